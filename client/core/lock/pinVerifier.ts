// How this desktop checks a clinician's screen-lock PIN without keeping it: a PBKDF2-SHA-256 hash with a random salt,
// kept sealed in the SecretStore. A PIN is short, so the hash is slow on purpose (a copied profile cannot be searched
// for it quickly), and the number of wrong tries is limited by the lock itself (screenLock.ts).

export type PinVerifier = Readonly<{ version: 1; salt: string; iterations: number; hash: string /* hex */ }>;

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
export const pinHashIterations = 600_000;

const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
const fromHex = (text: string) =>
  Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));

async function pinHash(pin: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as Uint8Array<ArrayBuffer>, iterations },
    material,
    256,
  );
  return new Uint8Array(bits);
}

export async function makePinVerifier(
  pin: string,
  randomBytes: (length: number) => Uint8Array,
  iterations = pinHashIterations,
): Promise<PinVerifier> {
  const salt = randomBytes(16);
  return {
    version: 1,
    salt: hex(salt),
    iterations,
    hash: hex(await pinHash(pin, salt, iterations)),
  };
}

/** Whether the PIN is the one the verifier was made from (compared in full, whatever differs first). */
export async function pinMatches(verifier: PinVerifier, pin: string): Promise<boolean> {
  const expected = fromHex(verifier.hash);
  const presented = await pinHash(pin, fromHex(verifier.salt), verifier.iterations);
  let difference = expected.length ^ presented.length;
  for (let index = 0; index < expected.length; index += 1)
    difference |= (expected[index] ?? 0) ^ (presented[index] ?? 0);
  return difference === 0;
}

export function isPinVerifier(value: unknown): value is PinVerifier {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  return (
    fields.version === 1 &&
    typeof fields.salt === 'string' &&
    typeof fields.hash === 'string' &&
    typeof fields.iterations === 'number' &&
    Number.isInteger(fields.iterations) &&
    fields.iterations >= 1
  );
}
