import { readFile } from 'node:fs/promises';
import { parsePolicy } from '@bleep/policy-module';
import { describe, expect, it } from 'vitest';
import { mergeConfig, parseYamlMap, renderHomeserverConfig } from './renderConfig.ts';

const templateText = await readFile(new URL('./homeserver.yaml', import.meta.url), 'utf8');
const overridesText = await readFile(new URL('./local-test-overrides.yaml', import.meta.url), 'utf8');
const policy = parsePolicy(
  {
    version: 1,
    trust: { name: 'Test Trust', odsCode: 'RXT', serverName: 'matrix.test.nhs.uk' },
    federation: { partners: ['matrix.partner.nhs.uk'] },
  },
  'inline',
);
const deployment = { public_baseurl: 'https://matrix.test.nhs.uk/', database: { args: { password: 'pw' } } };
/** What a signed directory vouches for among the policy's partners (here: all of them). */
const vouchedPartners = ['matrix.partner.nhs.uk'];

describe('homeserver config rendering', () => {
  it('takes the server name from the policy, the allow-list from its partners the directory vouches for', () => {
    const config = renderHomeserverConfig({ templateText, policy, vouchedPartners, deployment });
    expect(config.server_name).toBe('matrix.test.nhs.uk');
    expect(config.federation_domain_whitelist).toEqual(['matrix.partner.nhs.uk']);
    expect(config.encryption_enabled_by_default_for_room_type).toBe('all');
  });

  it('leaves out a partner the signed directory does not vouch for, so Synapse refuses it too', () => {
    const config = renderHomeserverConfig({ templateText, policy, vouchedPartners: [], deployment });
    expect(config.federation_domain_whitelist).toEqual([]);
  });

  it('refuses a deployment value or override that would change what the policy owns', () => {
    for (const changed of [
      { federation_domain_whitelist: null },
      { federation_domain_whitelist: ['evil.example'] },
      { server_name: 'x' },
    ]) {
      expect(() =>
        renderHomeserverConfig({ templateText, policy, vouchedPartners, deployment, overrides: [changed] }),
      ).toThrow(/belongs to the trust policy/);
    }
  });

  it('keeps the production template closed: no registration, no URL previews, no public directory', () => {
    const config = renderHomeserverConfig({ templateText, policy, vouchedPartners, deployment });
    expect(config.enable_registration).toBe(false);
    expect(config.url_preview_enabled).toBe(false);
    expect(config.allow_public_rooms_over_federation).toBe(false);
    expect(config.trusted_key_servers).toEqual([]);
    expect(config.federation_verify_certificates).toBe(true);
  });

  it('refuses to render while a placeholder is left', () => {
    expect(() => renderHomeserverConfig({ templateText, policy, vouchedPartners, deployment: {} })).toThrow(
      /placeholders at: .*public_baseurl.*database\.args\.password/,
    );
  });

  it('lets the local overrides shorten the federation retry, without touching the allow-list', () => {
    const config = renderHomeserverConfig({
      templateText,
      policy,
      vouchedPartners,
      deployment,
      overrides: [parseYamlMap(overridesText, 'overrides')],
    });
    expect(config.federation).toMatchObject({ destination_min_retry_interval: '2s' });
    expect(config.federation_domain_whitelist).toEqual(['matrix.partner.nhs.uk']);
  });

  it('merges maps key by key but replaces lists whole', () => {
    expect(mergeConfig({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] } })).toEqual({ a: { b: 1, c: [3] } });
  });
});
