// Rule: no copy of a clinician's keys leaves the enrolled desktop. Server-side key backup, secret storage in
// account data, and secret requests to the user's other devices are refused. Synapse has no setting for any of
// these, and matrix-js-sdk turns backup on by itself when the server has one, so this gateway is the only guard.
import { policyRefusal } from '../matrixError.ts';
import { allow, type PolicyRule } from './rule.ts';

/** Account data types that hold encrypted secrets (key backup key, cross-signing private keys, SSSS keys). */
function isSecretAccountData(eventType: string): boolean {
  return (
    eventType.startsWith('m.secret_storage.') ||
    eventType.startsWith('m.cross_signing.') ||
    eventType === 'm.megolm_backup.v1' ||
    eventType.startsWith('org.matrix.msc') // unstable secret-storage prefixes are refused rather than guessed at
  );
}

export const noKeyCopies: PolicyRule = {
  name: 'no-key-copies',
  check(request) {
    const { classified, method } = request;
    if (classified.kind === 'keyBackup') {
      if (classified.isVersionLookup) {
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
      }
      return {
        outcome: 'refuse',
        error: policyRefusal(
          'no-key-copies',
          'Server-side key backup is not allowed by this trust: keys stay on the enrolled desktop',
        ),
      };
    }
    if (classified.kind === 'dehydratedDevice') {
      return {
        outcome: 'refuse',
        error: policyRefusal(
          'no-key-copies',
          'Dehydrated devices keep keys on the server and are not allowed by this trust',
        ),
      };
    }
    if (classified.kind === 'accountData' && method !== 'GET' && isSecretAccountData(classified.eventType)) {
      return {
        outcome: 'refuse',
        error: policyRefusal(
          'no-key-copies',
          `Secret storage (${classified.eventType}) is not allowed by this trust`,
        ),
      };
    }
    if (classified.kind === 'toDevice' && classified.eventType.startsWith('m.secret.')) {
      return {
        outcome: 'refuse',
        error: policyRefusal(
          'no-key-copies',
          'Sharing secrets with other devices is not allowed by this trust',
        ),
      };
    }
    return allow;
  },
};
