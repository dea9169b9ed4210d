// Matrix encrypted attachments (spec: "Sending encrypted attachments"), with WebCrypto like the archive's cipher: a
// file is encrypted with AES-256-CTR under a fresh key and a 128-bit counter block whose upper 64 bits are random and
// lower 64 bits zero (so the counter never wraps), and the SHA-256 of the ciphertext is sent with the key, inside the
// Megolm-encrypted event, so the receiver refuses bytes the server changed before decrypting them. matrix-js-sdk 43
// declares `EncryptedFile` (not exported from its index) but has no helper; matrix-encrypt-attachment reaches for
// window.crypto or node:crypto and its own randomness, where the core takes WebCrypto and the platform's random
// bytes, and the algorithm is this short.

export type AttachmentJwk = Readonly<{
  kty: string;
  key_ops: readonly string[];
  alg: string;
  k: string;
  ext: boolean;
}>;

/** The spec's `file` object without its `url`, which only the upload gives. */
export type AttachmentKey = Readonly<{
  key: AttachmentJwk;
  iv: string;
  hashes: Readonly<Record<string, string>>;
  v: string;
}>;

export type EncryptedAttachment = Readonly<{ ciphertext: Uint8Array; key: AttachmentKey }>;

/** Bytes that are not the file the event describes (changed, truncated, another file) or a key not of the spec. */
export class AttachmentRefusedError extends Error {
  override readonly name = 'AttachmentRefusedError';
  readonly reason: 'hash-mismatch' | 'malformed-key';
  constructor(reason: 'hash-mismatch' | 'malformed-key') {
    super(
      reason === 'hash-mismatch'
        ? 'the attachment does not match the hash its message carries; it is not decrypted'
        : 'the attachment key is not an AES-256-CTR key of encrypted attachments v2',
    );
    this.reason = reason;
  }
}

const counterBits = 64;

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Unpadded base64, as the spec writes iv and hashes. */
const unpadded = (bytes: Uint8Array) => base64(bytes).replace(/=+$/, '');
/** The JWK's `k`: unpadded base64url. */
const base64url = (bytes: Uint8Array) => unpadded(bytes).replaceAll('+', '-').replaceAll('/', '_');

function decode(text: string): Uint8Array | undefined {
  const standard = text.replaceAll('-', '+').replaceAll('_', '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard)) return undefined;
  try {
    return Uint8Array.from(atob(standard.padEnd(Math.ceil(standard.length / 4) * 4, '=')), (char) =>
      char.charCodeAt(0),
    );
  } catch {
    return undefined;
  }
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new Uint8Array(bytes)));
}

export async function encryptAttachment(
  plaintext: Uint8Array,
  randomBytes: (length: number) => Uint8Array,
): Promise<EncryptedAttachment> {
  const { subtle } = globalThis.crypto;
  const rawKey = new Uint8Array(randomBytes(32));
  const iv = new Uint8Array(16);
  iv.set(randomBytes(8).subarray(0, 8));
  const key = await subtle.importKey('raw', rawKey, 'AES-CTR', false, ['encrypt']);
  const ciphertext = new Uint8Array(
    await subtle.encrypt(
      { name: 'AES-CTR', counter: iv, length: counterBits },
      key,
      new Uint8Array(plaintext),
    ),
  );
  return {
    ciphertext,
    key: {
      key: { kty: 'oct', key_ops: ['encrypt', 'decrypt'], alg: 'A256CTR', k: base64url(rawKey), ext: true },
      iv: unpadded(iv),
      hashes: { sha256: unpadded(await sha256(ciphertext)) },
      v: 'v2',
    },
  };
}

/** The plaintext, once the ciphertext's SHA-256 is the one the event carries; else AttachmentRefusedError. */
export async function decryptAttachment(ciphertext: Uint8Array, file: AttachmentKey): Promise<Uint8Array> {
  const rawKey = decode(file.key.k);
  const iv = decode(file.iv);
  const hash = file.hashes.sha256;
  const expected = hash === undefined ? undefined : decode(hash);
  if (
    file.v !== 'v2' ||
    file.key.kty !== 'oct' ||
    file.key.alg !== 'A256CTR' ||
    !file.key.key_ops.includes('decrypt') ||
    rawKey?.length !== 32 ||
    iv?.length !== 16 ||
    expected?.length !== 32
  ) {
    throw new AttachmentRefusedError('malformed-key');
  }
  const actual = await sha256(ciphertext);
  // Not secret, so no constant time needed: the hash is in the event the receiver already holds.
  if (actual.some((byte, at) => byte !== expected[at])) throw new AttachmentRefusedError('hash-mismatch');
  const { subtle } = globalThis.crypto;
  const key = await subtle.importKey('raw', new Uint8Array(rawKey), 'AES-CTR', false, ['decrypt']);
  return new Uint8Array(
    await subtle.decrypt(
      { name: 'AES-CTR', counter: new Uint8Array(iv), length: counterBits },
      key,
      new Uint8Array(ciphertext),
    ),
  );
}
