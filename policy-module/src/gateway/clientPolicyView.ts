// The part of the trust policy a client needs to know its limits, served read-only at /_bleep/policy.
import type { TrustPolicy } from '../policy/trustPolicy.ts';

export type ClientPolicyView = Readonly<{
  version: 1;
  trust: TrustPolicy['trust'];
  partners: readonly string[];
  retention: Readonly<{ clientDays: number; serverHours: number }>;
  idleLockMinutes: number;
  encryptionRequired: boolean;
  plaintextEventTypes: readonly string[];
  maxUploadBytes: number;
  notificationContent: TrustPolicy['notifications']['content'];
  keyBackupAllowed: false;
}>;

export function clientPolicyView(policy: TrustPolicy, allowedPartners: readonly string[]): ClientPolicyView {
  return {
    version: 1,
    trust: policy.trust,
    partners: allowedPartners,
    retention: { clientDays: policy.retention.clientDays, serverHours: policy.retention.serverHours },
    idleLockMinutes: policy.devices.idleLockMinutes,
    encryptionRequired: policy.encryption.required,
    plaintextEventTypes: policy.encryption.plaintextEventTypes,
    maxUploadBytes: policy.media.maxUploadBytes,
    notificationContent: policy.notifications.content,
    keyBackupAllowed: false,
  };
}
