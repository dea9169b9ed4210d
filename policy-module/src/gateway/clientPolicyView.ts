// The part of the trust policy a client needs to know its limits, served read-only at /_bleep/policy, and the
// partner trusts it may refer to, named as the signed trust directory names them (to mark referral rooms).
import type { TrustPolicy } from '../policy/trustPolicy.ts';
import type { PartnerTrust } from '../trustDirectory/trustDirectory.ts';

export type ClientPolicyView = Readonly<{
  version: 1;
  trust: TrustPolicy['trust'];
  /** The partners' server names: the policy's partners that the trust directory in force vouches for. */
  partners: readonly string[];
  /** The same partners, each with its name from the trust directory. */
  partnerTrusts: readonly PartnerTrust[];
  retention: Readonly<{ clientDays: number; serverHours: number }>;
  idleLockMinutes: number;
  encryptionRequired: boolean;
  plaintextEventTypes: readonly string[];
  maxUploadBytes: number;
  notificationContent: TrustPolicy['notifications']['content'];
  keyBackupAllowed: false;
}>;

export function clientPolicyView(
  policy: TrustPolicy,
  partnerTrusts: readonly PartnerTrust[],
): ClientPolicyView {
  return {
    version: 1,
    trust: policy.trust,
    partners: partnerTrusts.map((partner) => partner.serverName),
    partnerTrusts: partnerTrusts.map(({ serverName, name }) => ({ serverName, name })),
    retention: { clientDays: policy.retention.clientDays, serverHours: policy.retention.serverHours },
    idleLockMinutes: policy.devices.idleLockMinutes,
    encryptionRequired: policy.encryption.required,
    plaintextEventTypes: policy.encryption.plaintextEventTypes,
    maxUploadBytes: policy.media.maxUploadBytes,
    notificationContent: policy.notifications.content,
    keyBackupAllowed: false,
  };
}
