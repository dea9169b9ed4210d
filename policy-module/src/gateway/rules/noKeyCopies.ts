// Rule: no copy of a clinician's keys leaves the enrolled desktop. Server-side key backup, secret storage in
// account data, and secret requests to the user's other devices are refused. Synapse has no setting for any of
// these, and matrix-js-sdk turns backup on by itself when the server has one, so this gateway is the only guard.
// (Every other key backup route, and dehydrated devices, are not in the route table at all: default deny.)
import { policyRefusal } from '../matrixError.ts';
import { allow, isWrite, type PolicyRule } from './rule.ts';

/** Account data types that hold encrypted secrets (key backup key, cross-signing private keys, SSSS keys). */
export function isSecretAccountData(eventType: string): boolean {
  return (
    eventType.startsWith('m.secret_storage.') ||
    eventType.startsWith('m.cross_signing.') ||
    eventType === 'm.megolm_backup.v1' ||
    eventType.startsWith('org.matrix.msc') // unstable secret-storage prefixes are refused rather than guessed at
  );
}

export const noKeyCopies: PolicyRule = {
  name: 'no-key-copies',
  check({ route, params, method }) {
    switch (route.name) {
      case 'keyBackupVersion':
        // What Synapse answers when no backup exists: clients then simply run without one.
        return {
          outcome: 'refuse',
          error: policyRefusal(
            'no-key-copies',
            'No backup found: Bleep keeps keys on the enrolled desktop only',
            404,
            'M_NOT_FOUND',
          ),
        };
      case 'accountData':
      case 'roomAccountData':
        return isWrite(method) && isSecretAccountData(params.eventType ?? '')
          ? {
              outcome: 'refuse',
              error: policyRefusal(
                'no-key-copies',
                `Secret storage (${params.eventType ?? ''}) is not allowed by this trust`,
              ),
            }
          : allow;
      case 'toDevice':
        return (params.eventType ?? '').startsWith('m.secret.')
          ? {
              outcome: 'refuse',
              error: policyRefusal(
                'no-key-copies',
                'Sharing secrets with other devices is not allowed by this trust',
              ),
            }
          : allow;
      default:
        return allow;
    }
  },
};
