import { readFile } from 'node:fs/promises';
import { parsePolicy } from '@bleep/policy-module';
import { describe, expect, it } from 'vitest';
import { mergeConfig, parseYamlMap, renderHomeserverConfig, type RenderInput } from './renderConfig.ts';
import { hardeningViolations } from './synapseHardening.ts';

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
const internalAddress = '172.30.1.10';
const localOverrides = parseYamlMap(overridesText, 'overrides');

/** The production rendering, with whatever a test adds. */
function production(extra: Partial<RenderInput> = {}): Record<string, unknown> {
  return renderHomeserverConfig({
    templateText,
    policy,
    vouchedPartners,
    deployment,
    internalAddress,
    ...extra,
  });
}

describe('homeserver config rendering', () => {
  it('takes the server name from the policy, the allow-list from its partners the directory vouches for', () => {
    const config = production();
    expect(config.server_name).toBe('matrix.test.nhs.uk');
    expect(config.federation_domain_whitelist).toEqual(['matrix.partner.nhs.uk']);
    expect(config.encryption_enabled_by_default_for_room_type).toBe('all');
  });

  it('leaves out a partner the signed directory does not vouch for, so Synapse refuses it too', () => {
    const config = production({ vouchedPartners: [] });
    expect(config.federation_domain_whitelist).toEqual([]);
  });

  it('refuses a deployment value or override that would change what the policy owns', () => {
    for (const changed of [
      { federation_domain_whitelist: null },
      { federation_domain_whitelist: ['evil.example'] },
      { server_name: 'x' },
    ]) {
      expect(() => production({ overrides: [changed] })).toThrow(/belongs to the trust policy/);
    }
  });

  it('keeps the production template closed: no registration, no URL previews, no public directory', () => {
    const config = production();
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
    const config = production({ overrides: [localOverrides] });
    expect(config.federation).toMatchObject({ destination_min_retry_interval: '2s' });
    expect(config.federation_domain_whitelist).toEqual(['matrix.partner.nhs.uk']);
  });

  it('merges maps key by key but replaces lists whole', () => {
    expect(mergeConfig({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] } })).toEqual({ a: { b: 1, c: [3] } });
  });
});

describe("the production homeserver's hardening, as rendered", () => {
  const config = production();

  it('sends push notices without content, and keeps push on for unread counts', () => {
    // Which gateways a pusher may name is the policy gateway's rule (content-free-push).
    expect(config.push).toEqual({ enabled: true, include_content: false });
  });

  it('turns presence off', () => {
    expect(config.presence).toEqual({ enabled: false });
  });

  it('ends every session 12 hours after sign-in, refreshable tokens after 5 minutes', () => {
    expect(config).toMatchObject({
      session_lifetime: '12h',
      refreshable_access_token_lifetime: '5m',
      refresh_token_lifetime: '12h',
    });
    expect(config).not.toHaveProperty('nonrefreshable_access_token_lifetime');
  });

  it('has a password policy of 12 characters at least', () => {
    expect(config.password_config).toMatchObject({ policy: { enabled: true, minimum_length: 12 } });
  });

  it("limits sign-ins no more loosely than Synapse's defaults", () => {
    expect(config.rc_login).toEqual({
      address: { per_second: 0.003, burst_count: 5 },
      account: { per_second: 0.003, burst_count: 5 },
      failed_attempts: { per_second: 0.17, burst_count: 3 },
    });
  });

  it('forgets a room for whoever leaves it', () => {
    expect(config.forget_rooms_on_leave).toBe(true);
  });

  it('never hands a /sync answer out twice (a restarted desktop would be given its old ones)', () => {
    expect(config.caches).toEqual({ sync_response_cache_duration: 0 });
  });

  it('federates over TLS 1.2 at least, with certificates checked', () => {
    expect(config.federation_client_minimum_tls_version).toBe('1.2');
    expect(config.federation_verify_certificates).toBe(true);
  });

  it('refuses every room alias unless a rule before the final deny allows it', () => {
    expect(config.alias_creation_rules).toEqual([{ action: 'deny' }]);
  });

  it('shows profiles only to signed-in users who share a room', () => {
    expect(config.require_auth_for_profile_requests).toBe(true);
    expect(config.limit_profile_requests_to_users_who_share_rooms).toBe(true);
    expect(config.user_directory).toMatchObject({ search_all_users: false });
  });

  it('binds metrics and the admin listener to the internal address, never to every interface', () => {
    const listeners = config.listeners as { port: number; type: string; bind_addresses: string[] }[];
    expect(listeners.find((listener) => listener.type === 'metrics')?.bind_addresses).toEqual([
      internalAddress,
    ]);
    expect(listeners.find((listener) => listener.port === 8009)?.bind_addresses).toEqual([
      internalAddress,
      '127.0.0.1',
    ]);
    expect(() => production({ internalAddress: '0.0.0.0' })).toThrow(/must be one IP address/);
    expect(() => production({ internalAddress: 'synapse' })).toThrow(/must be one IP address/);
    expect(() => production({ internalAddress: undefined })).toThrow(/placeholders at: listeners\[0\]/);
  });

  const cis2 = { idp_id: 'nhs_cis2', issuer: 'https://am.nhsidentity.spineservices.nhs.uk', client_id: 'x' };

  it('turns local passwords off once single sign-on is configured', () => {
    expect(production().oidc_providers).toEqual([]);
    const withSso = production({
      trustSettings: { oidc_providers: [cis2], password_config: { enabled: false } },
    });
    expect(withSso.password_config).toMatchObject({ enabled: false, policy: { enabled: true } });
  });

  it("takes a trust's own settings that add or tighten", () => {
    const tightened = production({
      trustSettings: {
        session_lifetime: '8h',
        refresh_token_lifetime: '8h',
        rc_login: { address: { per_second: 0.001 } },
        alias_creation_rules: [
          { user_id: '@it-admin:matrix.test.nhs.uk', alias: '#it-*', action: 'allow' },
          { action: 'deny' },
        ],
      },
    });
    expect(tightened).toMatchObject({
      session_lifetime: '8h',
      rc_login: { address: { per_second: 0.001, burst_count: 5 } },
    });
  });

  it("refuses a trust's own settings that loosen any of it, naming the setting", () => {
    const loosening: readonly (readonly [Record<string, unknown>, string])[] = [
      [{ presence: { enabled: true } }, 'presence.enabled must be false'],
      [{ push: { include_content: true } }, 'push.include_content must be false'],
      [{ session_lifetime: '30d' }, 'session_lifetime must be 12h at most'],
      [{ session_lifetime: null }, 'session_lifetime must be 12h at most'],
      [{ refreshable_access_token_lifetime: '1h' }, 'refreshable_access_token_lifetime must be 5m at most'],
      [{ password_config: { policy: { minimum_length: 8 } } }, 'password_config.policy must be enabled'],
      [{ rc_login: { address: { per_second: 1 } } }, 'rc_login.address must be no looser'],
      [{ rc_login: { failed_attempts: { burst_count: 10 } } }, 'rc_login.failed_attempts must be no looser'],
      [{ forget_rooms_on_leave: false }, 'forget_rooms_on_leave must be true'],
      [{ caches: { sync_response_cache_duration: '2m' } }, 'caches.sync_response_cache_duration must be 0'],
      [{ federation_client_minimum_tls_version: '1.1' }, 'federation_client_minimum_tls_version must be'],
      [{ alias_creation_rules: [{ action: 'allow' }] }, 'alias_creation_rules must be ending in a deny'],
      [
        { alias_creation_rules: [{ action: 'deny', alias: '#ward*' }] },
        'alias_creation_rules must be ending in a deny',
      ],
      [{ require_auth_for_profile_requests: false }, 'require_auth_for_profile_requests must be true'],
      [
        { limit_profile_requests_to_users_who_share_rooms: false },
        'limit_profile_requests_to_users_who_share_rooms must be true',
      ],
      [
        { listeners: [{ port: 9000, type: 'metrics', bind_addresses: ['0.0.0.0'] }] },
        'listeners must be each bound',
      ],
      [{ listeners: [{ port: 9000, type: 'metrics' }] }, 'listeners must be each bound'],
      [{ enable_registration: true }, 'enable_registration must be false'],
      [
        { oidc_providers: [cis2] },
        'password_config.enabled must be false once oidc_providers lists a provider',
      ],
      [
        { oidc_providers: [cis2], password_config: { enabled: 'only_for_reauth' } },
        'password_config.enabled must be false once oidc_providers lists a provider',
      ],
      [{ url_preview_enabled: true }, 'url_preview_enabled must be false'],
    ];
    for (const [trustSettings, message] of loosening) {
      expect(() => production({ trustSettings }), JSON.stringify(trustSettings)).toThrow(message);
    }
  });

  it('is relaxed by the local test overrides only in the sign-in limits and the session lifetime', () => {
    expect(hardeningViolations(production())).toEqual([]);
    expect(hardeningViolations(production({ overrides: [localOverrides] }))).toEqual([
      'session_lifetime must be 12h at most',
      "rc_login.address must be no looser than Synapse's default (0.003/s, burst 5)",
      "rc_login.account must be no looser than Synapse's default (0.003/s, burst 5)",
      "rc_login.failed_attempts must be no looser than Synapse's default (0.17/s, burst 3)",
    ]);
  });
});
