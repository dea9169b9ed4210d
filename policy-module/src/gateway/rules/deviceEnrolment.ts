// Rule: only desktops that trust IT enrolled may log in. A login must name its device ID and carry that device's
// credential (issued once, when the desktop redeemed its one-time enrolment code), so a personal phone or laptop
// cannot sign in even with a clinician's password.
import { policyRefusal, type MatrixError } from '../matrixError.ts';

export type EnrolmentRefusal = Readonly<{ ok: false; code: string; message: string }>;

/** What the gateway needs from the enrolment store. */
export interface DeviceEnrolment {
  checkLogin(
    deviceId: string,
    credential: string | undefined,
  ): Promise<Readonly<{ ok: true }> | EnrolmentRefusal>;
  recordLogin(deviceId: string, userId: string): Promise<void>;
  redeemCode(
    deviceId: string,
    code: string,
  ): Promise<Readonly<{ ok: true; credential: string }> | EnrolmentRefusal>;
}

export async function checkDeviceLogin(
  enrolment: DeviceEnrolment,
  required: boolean,
  deviceId: unknown,
  credential: string | undefined,
): Promise<MatrixError | undefined> {
  if (!required) return undefined;
  if (typeof deviceId !== 'string' || deviceId === '') {
    return policyRefusal(
      'device-enrolment',
      'Sign in from an enrolled Bleep desktop: this login names no device. Ask trust IT to enrol this computer.',
    );
  }
  const result = await enrolment.checkLogin(deviceId, credential);
  if (result.ok) return undefined;
  return policyRefusal('device-enrolment', `${result.message} Ask trust IT to enrol this computer.`);
}
