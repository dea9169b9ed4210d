// Rule: only desktops that trust IT enrolled may log in. A login must name its device ID and carry that device's
// credential (issued once, when the desktop redeemed its one-time enrolment code), so a personal phone or laptop
// cannot sign in even with a clinician's password.
import { policyRefusal, type MatrixError } from '../matrixError.ts';

/** The store's refusal: `code` and `message` are what the client may be told, `auditReason` is for the audit only. */
export type EnrolmentRefusal = Readonly<{ ok: false; code: string; message: string; auditReason?: string }>;

/** What the gateway needs from the enrolment store. */
export interface DeviceEnrolment {
  checkLogin(
    deviceId: string,
    credential: string | undefined,
  ): Promise<Readonly<{ ok: true }> | EnrolmentRefusal>;
  recordLogin(deviceId: string, userId: string): Promise<void>;
  /** The enrolled, unrevoked device a credential belongs to (credentials are random, so their hash finds it). */
  deviceOfCredential(credential: string): Promise<string | undefined>;
  /** deviceId '' redeems the code for whichever device it was issued to. */
  redeemCode(
    deviceId: string,
    code: string,
  ): Promise<Readonly<{ ok: true; deviceId: string; credential: string }> | EnrolmentRefusal>;
}

/** Why a sign-in is refused: the error for the client, and the precise reason for the audit trail only. */
export type DeviceLoginRefusal = Readonly<{ error: MatrixError; auditReason?: string }>;

/** The Matrix error for an enrolment refusal: a malformed device id is the client's mistake, the rest a refusal. */
export function enrolmentError(refusal: EnrolmentRefusal, advice: string): MatrixError {
  return refusal.code === 'INVALID_DEVICE_ID'
    ? policyRefusal('device-enrolment', refusal.message, 400, 'M_INVALID_PARAM')
    : policyRefusal('device-enrolment', `${refusal.message}${advice}`);
}

export async function checkDeviceLogin(
  enrolment: DeviceEnrolment,
  required: boolean,
  deviceId: unknown,
  credential: string | undefined,
): Promise<DeviceLoginRefusal | undefined> {
  if (!required) return undefined;
  if (typeof deviceId !== 'string' || deviceId === '') {
    return {
      error: policyRefusal(
        'device-enrolment',
        'Sign in from an enrolled Bleep desktop: this login names no device. Ask trust IT to enrol this computer.',
      ),
      auditReason: 'DEVICE_ID_MISSING',
    };
  }
  const result = await enrolment.checkLogin(deviceId, credential);
  if (result.ok) return undefined;
  return {
    error: enrolmentError(result, ' Ask trust IT to enrol this computer.'),
    auditReason: result.auditReason ?? result.code,
  };
}
