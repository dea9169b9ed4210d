// The archive's authenticated encryption, with WebCrypto (in every runtime the core supports, so the core needs no
// library and no node:crypto): each record is sealed with AES-256-GCM under a fresh 96-bit nonce, its name bound in
// as associated data, so a record moved to another name (another room, another hour) no longer opens. Record names
// carry keyed tags (HMAC-SHA-256) of room and event ids instead of the ids. Both keys are derived with HKDF from the
// archive key in the SecretStore and are not extractable.

const format = 1;
const nonceBytes = 12;
const tagBytes = 16;
const encoder = new TextEncoder();

export interface ArchiveCipher {
  seal(name: string, plaintext: Uint8Array): Promise<Uint8Array>;
  /** The plaintext, or throws ArchiveRecordUnreadableError: a wrong key, or bytes changed or moved. */
  open(name: string, sealed: Uint8Array): Promise<Uint8Array>;
  /** A keyed tag for an id, for record names: the same id always gives the same tag, and the tag does not give the id. */
  tag(value: string): Promise<string>;
}

/** A record that does not open with this archive's key: damaged, tampered with, moved, or from another key. */
export class ArchiveRecordUnreadableError extends Error {
  override readonly name = 'ArchiveRecordUnreadableError';
  readonly recordName: string;
  constructor(recordName: string) {
    super(`The archive record ${recordName} could not be decrypted.`);
    this.recordName = recordName;
  }
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export async function createArchiveCipher(
  archiveKey: Uint8Array,
  randomBytes: (length: number) => Uint8Array,
): Promise<ArchiveCipher> {
  if (archiveKey.length !== 32) throw new Error('the archive key must be 32 bytes');
  const { subtle } = globalThis.crypto;
  const master = await subtle.importKey('raw', new Uint8Array(archiveKey), 'HKDF', false, ['deriveKey']);
  const hkdf = (info: string) => ({
    name: 'HKDF',
    hash: 'SHA-256',
    salt: new Uint8Array(32),
    info: encoder.encode(`bleep-archive/${format} ${info}`),
  });
  const sealing = await subtle.deriveKey(hkdf('records'), master, { name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  const naming = await subtle.deriveKey(
    hkdf('names'),
    master,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign'],
  );
  const associatedData = (name: string) => encoder.encode(`bleep-archive/${format}:${name}`);

  return {
    seal: async (name, plaintext) => {
      const nonce = new Uint8Array(randomBytes(nonceBytes));
      const ciphertext = await subtle.encrypt(
        { name: 'AES-GCM', iv: nonce, additionalData: associatedData(name) },
        sealing,
        new Uint8Array(plaintext),
      );
      const sealed = new Uint8Array(1 + nonceBytes + ciphertext.byteLength);
      sealed[0] = format;
      sealed.set(nonce, 1);
      sealed.set(new Uint8Array(ciphertext), 1 + nonceBytes);
      return sealed;
    },
    open: async (name, sealed) => {
      if (sealed.length < 1 + nonceBytes + tagBytes || sealed[0] !== format) {
        throw new ArchiveRecordUnreadableError(name);
      }
      try {
        const plaintext = await subtle.decrypt(
          { name: 'AES-GCM', iv: sealed.slice(1, 1 + nonceBytes), additionalData: associatedData(name) },
          sealing,
          sealed.slice(1 + nonceBytes),
        );
        return new Uint8Array(plaintext);
      } catch {
        // GCM refused it: a wrong key, or bytes changed or moved. Nothing is returned either way.
        throw new ArchiveRecordUnreadableError(name);
      }
    },
    tag: async (value) => {
      const mac = await subtle.sign('HMAC', naming, encoder.encode(value));
      // 128 bits: no two ids of one archive meet by chance, and the name stays short.
      return base64url(new Uint8Array(mac).slice(0, 16));
    },
  };
}
