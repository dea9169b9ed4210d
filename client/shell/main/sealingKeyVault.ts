// The 32-byte key that seals the renderer's secrets (client/browser/secretSealingKey.ts): made once with the OS's
// random bytes, kept on disk only wrapped by safeStorage (the OS keychain), unwrapped at each start. A kept key the
// keychain cannot open is a refusal, never a reason to make a new one: a new key would silently orphan every secret
// the old one sealed, and trust IT may still recover the keychain.
import { StartupRefusal } from './startupRefusal.ts';

export const sealingKeyLength = 32;

/** Electron safeStorage's wrapping (string in, opaque bytes out: the key travels as base64). */
export interface KeyWrapper {
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** Where the wrapped key is kept (sealingKeyFile.ts: a file in userData). */
export interface WrappedKeyFile {
  readonly path: string;
  read(): Promise<Buffer | undefined>;
  write(wrapped: Buffer): Promise<void>;
}

export type SealingKeyVaultOptions = Readonly<{
  wrapper: KeyWrapper;
  file: WrappedKeyFile;
  randomBytes: (length: number) => Uint8Array;
}>;

function unwrap(wrapper: KeyWrapper, wrapped: Buffer, path: string): Uint8Array {
  let encoded: string;
  try {
    encoded = wrapper.decryptString(wrapped);
  } catch {
    throw new StartupRefusal('sealing-key-unreadable', path);
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== sealingKeyLength || key.toString('base64') !== encoded) {
    key.fill(0);
    throw new StartupRefusal('sealing-key-unreadable', path);
  }
  return new Uint8Array(key);
}

/** The sealing key: the kept one, or on first run a new one, kept wrapped before it is returned. */
export async function loadSealingKey(options: SealingKeyVaultOptions): Promise<Uint8Array> {
  const { wrapper, file } = options;
  const wrapped = await file.read();
  if (wrapped !== undefined) return unwrap(wrapper, wrapped, file.path);
  const key = options.randomBytes(sealingKeyLength);
  if (key.length !== sealingKeyLength) throw new Error('the random source gave the wrong number of bytes');
  // The base64 string cannot be zeroed (JavaScript strings are immutable); it lives until collected, in the main
  // process, which may read the key file and the keychain anyway.
  await file.write(wrapper.encryptString(Buffer.from(key).toString('base64')));
  return key;
}
