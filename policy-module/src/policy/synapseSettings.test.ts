import { describe, expect, it } from 'vitest';
import { parsePolicy } from './loadPolicy.ts';
import { synapseSettingsFor } from './synapseSettings.ts';

const base = {
  version: 1,
  trust: { name: 'Test Trust', odsCode: 'RXT', serverName: 'trust.example' },
  federation: { partners: ['b.example', 'a.example'] },
};

const vouched = ['a.example', 'b.example', 'c.example'];

describe('Synapse settings derived from the policy', () => {
  it('turns the partner list, as the directory vouches for it, into the federation allow-list', () => {
    const settings = synapseSettingsFor(parsePolicy(base, 'inline'), vouched);
    expect(settings.server_name).toBe('trust.example');
    expect(settings.federation_domain_whitelist).toEqual(['a.example', 'b.example']);
  });

  it('leaves out a partner the directory does not vouch for, and never adds one the policy does not list', () => {
    expect(
      synapseSettingsFor(parsePolicy(base, 'inline'), ['b.example', 'z.example']).federation_domain_whitelist,
    ).toEqual(['b.example']);
    expect(synapseSettingsFor(parsePolicy(base, 'inline'), []).federation_domain_whitelist).toEqual([]);
  });

  it('keeps an empty partner list empty: Synapse reads an absent list as "federate with everyone"', () => {
    const settings = synapseSettingsFor(
      parsePolicy({ ...base, federation: { partners: [] } }, 'inline'),
      vouched,
    );
    expect(settings.federation_domain_whitelist).toEqual([]);
    expect(settings.federation_domain_whitelist).not.toBeNull();
  });

  it('encrypts every new room when the policy requires E2EE', () => {
    expect(
      synapseSettingsFor(parsePolicy(base, 'inline'), vouched).encryption_enabled_by_default_for_room_type,
    ).toBe('all');
  });

  it('sets the media limit in Synapse units', () => {
    const policy = parsePolicy({ ...base, media: { maxUploadBytes: 10 * 1024 * 1024 } }, 'inline');
    expect(synapseSettingsFor(policy, vouched).max_upload_size).toBe('10240K');
  });
});
