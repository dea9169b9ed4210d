// Rule: enrolment is a property of every session, not only of its sign-in. Each request made with an access token
// is held to the token's device being enrolled and not revoked now, so revoking a desktop stops every token it
// holds at once: one signed in before the revocation, one whose sign-in was in flight while trust IT revoked it,
// and one Synapse issued some other way. The device list is kept in memory and updated by the database the
// moment a revocation commits (enrolment/deviceStatusWatch.ts), so this costs no query per request.
import { MatrixError, policyRefusal } from '../matrixError.ts';
import type { DeviceStatus } from '../../enrolment/deviceStatusWatch.ts';
import type { Identity } from '../whoAmI.ts';

export type { DeviceStatus };

/** What the gateway needs to know about enrolled devices, now. */
export interface DeviceStatusView {
  status(deviceId: string): DeviceStatus;
}

/** The refusal for a session whose device may not hold one; undefined when it may. */
export function checkEnrolledSession(
  identity: Identity,
  devices: DeviceStatusView,
  enrolmentRequired: boolean,
): MatrixError | undefined {
  if (!enrolmentRequired) return undefined;
  const status = identity.deviceId === null ? 'unknown-device' : devices.status(identity.deviceId);
  switch (status) {
    case 'active':
      return undefined;
    case 'unavailable':
      // Fail closed: without the enrolment list nobody can be told apart from a revoked desktop.
      return new MatrixError(
        503,
        'M_UNKNOWN',
        "Bleep cannot check this desktop's enrolment just now: try again shortly",
      );
    default:
      // One answer for revoked and never-enrolled devices: the refusal does not tell which device ids exist.
      return policyRefusal(
        'device-enrolment',
        'This session belongs to a desktop that is not enrolled with the trust: sign in again from an enrolled Bleep desktop',
        401,
        'M_UNKNOWN_TOKEN',
      );
  }
}
