// The ways the enrolment store says no. Each is a value with a code the gateway and the CLI can act on, a
// sentence a clinician or trust IT can read, and the precise reason, for the audit trail only.
//
// A sign-in or a code redemption from an unauthenticated client is refused with one code and one sentence
// whatever the reason (no such device, awaiting its code, revoked, wrong or missing credential or code), so the
// answer cannot be used to learn which device IDs trust IT has enrolled. Only `auditReason` says which; it goes
// to the audit trail and never to the client.

const messages = {
  DEVICE_ID_MISSING: 'This sign-in names no device.',
  // Said about the text alone, whatever is enrolled: the gateway answers it as a malformed request.
  INVALID_DEVICE_ID:
    'A device ID is 1 to 64 letters, digits, dots, hyphens or underscores, starting with a letter or digit.',
  INVALID_LABEL: 'A device label is at most 200 characters, with no control characters.',
  INVALID_CREATED_BY: 'The name of who issues a code is 1 to 200 characters, with no control characters.',
  DEVICE_NOT_ENROLLED: 'This computer is not enrolled with the trust.',
  DEVICE_ALREADY_ENROLLED: 'This device is already enrolled; revoke it before enrolling it again.',
  DEVICE_LOGIN_REFUSED:
    'This computer is not enrolled with the trust, its enrolment was revoked, or its enrolment credential is missing or does not match.',
  BAD_ENROLMENT_CODE: 'This enrolment code is not valid, or has already been used.',
  // Told only to whoever presented the right code for the device, so it reveals nothing to anyone else.
  ENROLMENT_CODE_EXPIRED: 'This enrolment code has expired.',
} as const;

export type EnrolmentRefusalCode = keyof typeof messages;

/** Why a uniform refusal was given, for the audit trail: never sent to the client. */
export type EnrolmentRefusalReason =
  /** No enrolment has this device ID. */
  | 'DEVICE_UNKNOWN'
  /** IT issued a code for the device; it has not been redeemed, so the device has no credential yet. */
  | 'DEVICE_AWAITING_CODE'
  | 'DEVICE_REVOKED'
  | 'CREDENTIAL_MISSING'
  | 'CREDENTIAL_MISMATCH'
  /** The text presented cannot be an enrolment code at all. */
  | 'CODE_MALFORMED'
  | 'CODE_MISMATCH'
  /** The desktop named no device, and no device has this code pending. */
  | 'CODE_UNKNOWN'
  /** The device has no code waiting: its code was redeemed already (or, enrolled, it never needs one). */
  | 'NO_CODE_PENDING';

export type EnrolmentRefusal<Code extends EnrolmentRefusalCode = EnrolmentRefusalCode> = Readonly<{
  ok: false;
  /** Safe to send to the client. */
  code: Code;
  /** Safe to send to the client. */
  message: string;
  /** For the audit trail only: the precise reason, which for a uniform refusal the code does not say. */
  auditReason: EnrolmentRefusalCode | EnrolmentRefusalReason;
}>;

export function enrolmentRefusal<Code extends EnrolmentRefusalCode>(
  code: Code,
  auditReason: EnrolmentRefusalCode | EnrolmentRefusalReason = code,
): EnrolmentRefusal<Code> {
  return { ok: false, code, message: messages[code], auditReason };
}
