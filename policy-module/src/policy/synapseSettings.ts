// Derives the homeserver settings a trust policy governs, so Synapse and the gateway never disagree.
import type { TrustPolicy } from './trustPolicy.ts';

/** The part of homeserver.yaml that the policy owns. Keys are Synapse's own. */
export type PolicySynapseSettings = {
  server_name: string;
  /** Synapse treats an absent or null list as "federate with everyone"; an empty list allows no one. */
  federation_domain_whitelist: string[];
  max_upload_size: string;
  encryption_enabled_by_default_for_room_type: 'all' | 'off';
  allow_public_rooms_over_federation: false;
  allow_public_rooms_without_auth: false;
  allow_guest_access: false;
};

export function synapseSettingsFor(policy: TrustPolicy): PolicySynapseSettings {
  return {
    server_name: policy.trust.serverName,
    federation_domain_whitelist: [...policy.federation.partners].sort(),
    max_upload_size: `${Math.floor(policy.media.maxUploadBytes / 1024)}K`,
    encryption_enabled_by_default_for_room_type: policy.encryption.required ? 'all' : 'off',
    allow_public_rooms_over_federation: false,
    allow_public_rooms_without_auth: false,
    allow_guest_access: false,
  };
}
