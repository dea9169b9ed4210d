import { describe, expect, it } from 'vitest';
import { parsePolicy } from './loadPolicy.ts';
import { synapseSettingsFor } from './synapseSettings.ts';

const base = {
  version: 1,
  trust: { name: 'Test Trust', odsCode: 'RXT', serverName: 'trust.example' },
  federation: { partners: ['b.example', 'a.example'] },
};

describe('Synapse settings derived from the policy', () => {
  it('turns the partner list into the federation allow-list', () => {
    const settings = synapseSettingsFor(parsePolicy(base, 'inline'));
    expect(settings.server_name).toBe('trust.example');
    expect(settings.federation_domain_whitelist).toEqual(['a.example', 'b.example']);
  });

  it('keeps an empty partner list empty: Synapse reads an absent list as "federate with everyone"', () => {
    const settings = synapseSettingsFor(parsePolicy({ ...base, federation: { partners: [] } }, 'inline'));
    expect(settings.federation_domain_whitelist).toEqual([]);
    expect(settings.federation_domain_whitelist).not.toBeNull();
  });

  it('encrypts every new room when the policy requires E2EE', () => {
    expect(synapseSettingsFor(parsePolicy(base, 'inline')).encryption_enabled_by_default_for_room_type).toBe(
      'all',
    );
  });

  it('sets the media limit in Synapse units', () => {
    const policy = parsePolicy({ ...base, media: { maxUploadBytes: 10 * 1024 * 1024 } }, 'inline');
    expect(synapseSettingsFor(policy).max_upload_size).toBe('10240K');
  });
});
