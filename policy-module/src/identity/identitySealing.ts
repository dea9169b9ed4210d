// The trust's clinician identities are kept in Bleep's database sealed with a key that is not in the database: a
// copy of the database (a backup, a read-only role, a dump) holds no usable signing key. AES-256-GCM with a fresh
// nonce per seal, the clinician's user id bound in as associated data, so a sealed row moved to another clinician
// does not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { CrossSigningSeeds } from './crossSigningIdentity.ts';

const nonceBytes = 12;
const tagBytes = 16;
const seedBytes = 32;

export class IdentitySealError extends Error {
  override readonly name = 'IdentitySealError';
}

/** Reads the sealing key: 32 bytes, written as base64 (what `openssl rand -base64 32` prints). */
export function parseSealingKey(text: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32)
    throw new IdentitySealError('the identity sealing key must be 32 bytes, written as base64');
  return key;
}

export function sealSeeds(key: Buffer, userId: string, seeds: CrossSigningSeeds): Buffer {
  const nonce = randomBytes(nonceBytes);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(userId, 'utf8'));
  const sealed = Buffer.concat([
    cipher.update(Buffer.concat([seeds.master, seeds.selfSigning, seeds.userSigning])),
    cipher.final(),
  ]);
  return Buffer.concat([nonce, sealed, cipher.getAuthTag()]);
}

export function openSeeds(key: Buffer, userId: string, sealed: Buffer): CrossSigningSeeds {
  if (sealed.length !== nonceBytes + 3 * seedBytes + tagBytes)
    throw new IdentitySealError('not a sealed identity');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, nonceBytes));
  decipher.setAAD(Buffer.from(userId, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - tagBytes));
  let plain: Buffer;
  try {
    plain = Buffer.concat([
      decipher.update(sealed.subarray(nonceBytes, sealed.length - tagBytes)),
      decipher.final(),
    ]);
  } catch {
    throw new IdentitySealError(`the sealed identity of ${userId} does not open with this key`);
  }
  const seed = (index: number) => new Uint8Array(plain.subarray(index * seedBytes, (index + 1) * seedBytes));
  return { master: seed(0), selfSigning: seed(1), userSigning: seed(2) };
}
