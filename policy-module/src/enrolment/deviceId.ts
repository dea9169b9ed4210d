// What a device ID may be, the one rule for every way one arrives: trust IT typing it into enrol-device, and a
// desktop naming it in a login or enrolment request (the Matrix device_id it logs in with). 1 to 64 ASCII
// letters, digits, dots, hyphens and underscores, starting with a letter or digit: typeable by IT, safe in a URL
// path segment (no "." or ".." alone, no slash), a log line and a terminal, and a valid Synapse device ID (the
// IDs Synapse makes itself, ten capital letters, fit). Anything else, a NUL byte or a lone surrogate included,
// is refused before it reaches PostgreSQL, which cannot store the one and would silently change the other.
const deviceIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const maxDeviceIdLength = 64;

export function isDeviceId(text: string): boolean {
  return deviceIdPattern.test(text);
}
