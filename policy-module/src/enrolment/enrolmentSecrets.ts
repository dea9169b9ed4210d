// Makes the two enrolment secrets (the one-time code IT reads out, the long device credential the desktop keeps)
// and compares them only by SHA-256 hash, so the database never holds either in clear.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Crockford's base32: no I, L, O or U, so a code read aloud or copied from a screen cannot be mistyped into
// another valid code.
const crockfordAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const codeCharacters = 16;
const codeGroup = 4;

export type EnrolmentCode = Readonly<{ code: string; hash: Buffer }>;

/**
 * A one-time enrolment code, 16 characters (80 random bits) in groups of four such as "7K3M-Q9XA-B2CD-EFGH",
 * with the hash that is stored in its place.
 */
export function newEnrolmentCode(random: (size: number) => Buffer = randomBytes): EnrolmentCode {
  // 10 random bytes are exactly 16 five-bit characters, so every character is uniform.
  let bits = BigInt(`0x${random(10).toString('hex')}`);
  let code = '';
  for (let index = 0; index < codeCharacters; index += 1) {
    code = `${crockfordAlphabet[Number(bits & 31n)] ?? ''}${code}`;
    bits >>= 5n;
  }
  return { code: code.match(new RegExp(`.{${codeGroup}}`, 'g'))?.join('-') ?? code, hash: sha256(code) };
}

/**
 * The canonical form of a typed code (upper case, no separators, O read as 0 and I or L as 1), or undefined when
 * it cannot be a code at all.
 */
export function normaliseEnrolmentCode(typed: string): string | undefined {
  const canonical = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (canonical.length !== codeCharacters) return undefined;
  for (const character of canonical) if (!crockfordAlphabet.includes(character)) return undefined;
  return canonical;
}

/** The hash of a code as typed, to compare with the stored one; undefined when the text cannot be a code. */
export function hashEnrolmentCode(typed: string): Buffer | undefined {
  const canonical = normaliseEnrolmentCode(typed);
  return canonical === undefined ? undefined : sha256(canonical);
}

/** A device credential: 256 random bits, base64url, sent by the desktop with every login. */
export function newDeviceCredential(random: (size: number) => Buffer = randomBytes): string {
  return random(32).toString('base64url');
}

export function sha256(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Compares two SHA-256 hashes in constant time, so response timing says nothing about how much matched. */
export function hashesMatch(presented: Buffer, stored: Buffer): boolean {
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
