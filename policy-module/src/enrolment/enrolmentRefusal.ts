// The ways the enrolment store says no. Each is a value with a code the gateway and the CLI can act on, and a
// sentence a clinician or trust IT can read; none says more about a device than its code already does.

const messages = {
  DEVICE_ID_MISSING: 'This sign-in names no device.',
  INVALID_DEVICE_ID:
    'A device ID is 1 to 64 letters, digits, dots, hyphens or underscores, starting with a letter or digit.',
  INVALID_LABEL: 'A device label is at most 200 characters, with no control characters.',
  DEVICE_NOT_ENROLLED: 'This computer is not enrolled with the trust.',
  DEVICE_ALREADY_ENROLLED: 'This device is already enrolled; revoke it before enrolling it again.',
  DEVICE_REVOKED: "This computer's enrolment has been revoked.",
  BAD_DEVICE_CREDENTIAL: "This computer's enrolment credential is missing or does not match.",
  BAD_ENROLMENT_CODE: 'This enrolment code is not valid for this device, or has already been used.',
  ENROLMENT_CODE_EXPIRED: 'This enrolment code has expired.',
} as const;

export type EnrolmentRefusalCode = keyof typeof messages;

export type EnrolmentRefusal<Code extends EnrolmentRefusalCode = EnrolmentRefusalCode> = Readonly<{
  ok: false;
  code: Code;
  message: string;
}>;

export function enrolmentRefusal<Code extends EnrolmentRefusalCode>(code: Code): EnrolmentRefusal<Code> {
  return { ok: false, code, message: messages[code] };
}
