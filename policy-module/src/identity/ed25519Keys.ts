// Ed25519 keys as Matrix writes them: the public key as unpadded standard base64 of its 32 bytes (its key id is
// "ed25519:" followed by that text), the signature likewise, over the canonical JSON of the signed object.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { signableJson } from './canonicalJson.ts';

/** An Ed25519 private key's 32-byte seed, which is all that needs keeping. */
export type Ed25519Seed = Uint8Array;

// PKCS#8 and SPKI wrappers of a raw Ed25519 key (RFC 8410): a fixed prefix, then the 32 bytes.
const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');

export function unpaddedBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}

export function newEd25519Seed(): Ed25519Seed {
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return new Uint8Array(der.subarray(der.length - 32));
}

function privateKeyOf(seed: Ed25519Seed): KeyObject {
  if (seed.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
  return createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seed]), format: 'der', type: 'pkcs8' });
}

/** The public key of a seed, as Matrix writes it. */
export function ed25519PublicKey(seed: Ed25519Seed): string {
  const der = createPublicKey(privateKeyOf(seed)).export({ format: 'der', type: 'spki' });
  return unpaddedBase64(der.subarray(der.length - 32));
}

/** The signature of an object (without its signatures and unsigned members), as Matrix writes it. */
export function signObject(seed: Ed25519Seed, object: Readonly<Record<string, unknown>>): string {
  return unpaddedBase64(sign(null, Buffer.from(signableJson(object), 'utf8'), privateKeyOf(seed)));
}

/** Whether an object carries a valid signature by a Matrix-written public key; false for anything malformed. */
export function verifyObjectSignature(
  publicKey: string,
  signature: string,
  object: Readonly<Record<string, unknown>>,
): boolean {
  const raw = Buffer.from(publicKey, 'base64');
  const signatureBytes = Buffer.from(signature, 'base64');
  if (raw.length !== 32 || signatureBytes.length !== 64) return false;
  try {
    const key = createPublicKey({ key: Buffer.concat([spkiPrefix, raw]), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(signableJson(object), 'utf8'), key, signatureBytes);
  } catch {
    return false;
  }
}
