// Derives the homeserver settings a trust policy governs, so Synapse and the gateway never disagree. The
// federation allow-list is the policy's partners that the signed trust directory vouches for
// (trustDirectory/vouchedPartners.ts), the same list the gateway enforces: a partner the directory stops vouching
// for is refused by Synapse too, inbound and outbound.
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

/** vouchedPartners: the policy's partners the directory vouches for; nothing outside the policy is ever added. */
export function synapseSettingsFor(
  policy: TrustPolicy,
  vouchedPartners: readonly string[],
): PolicySynapseSettings {
  return {
    server_name: policy.trust.serverName,
    federation_domain_whitelist: policy.federation.partners
      .filter((partner) => vouchedPartners.includes(partner))
      .sort(),
    max_upload_size: `${Math.floor(policy.media.maxUploadBytes / 1024)}K`,
    encryption_enabled_by_default_for_room_type: policy.encryption.required ? 'all' : 'off',
    allow_public_rooms_over_federation: false,
    allow_public_rooms_without_auth: false,
    allow_guest_access: false,
  };
}
