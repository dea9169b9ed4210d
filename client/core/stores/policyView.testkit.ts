// A trust's policy view as the gateway states it, for unit tests: the defaults of a trust with one partner.
import type { TrustPolicyView } from '../trust/trustPolicy.ts';

export function policyView(change: Partial<TrustPolicyView> = {}): TrustPolicyView {
  return {
    version: 1,
    trust: { name: 'Trust A', serverName: 'trust-a.example', odsCode: 'RAA' },
    partners: ['trust-b.example'],
    partnerTrusts: [{ serverName: 'trust-b.example', name: 'Trust B Hospitals' }],
    retention: { clientDays: 90, serverHours: 72 },
    idleLockMinutes: 5,
    encryptionRequired: true,
    plaintextEventTypes: [],
    maxUploadBytes: 1,
    notificationContent: 'none',
    keyBackupAllowed: false,
    ...change,
  };
}
