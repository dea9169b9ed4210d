// Where the core keeps what must survive a restart and must never touch disk in the clear: the desktop's device
// credential, the session's access token, the key that encrypts rust crypto's store and the archive's key. The platform supplies it:
// Electron safeStorage through the shell on the desktop, a non-extractable WebCrypto key in a browser, a passphrase
// in Node tests (node/passphraseSecretStore.ts). The core names each entry; the store only keeps bytes.

export type SecretName =
  | 'desktop-enrolment'
  | 'session'
  | 'crypto-storage-key'
  | 'archive-key'
  /** The screen lock's PIN verifier (lock/pinVerifier.ts), never the PIN. */
  | 'screen-lock-pin';

export interface SecretStore {
  /** The bytes kept under this name, or undefined if none. Throws SecretStoreLockedError if they fail to decrypt. */
  read(name: SecretName): Promise<Uint8Array | undefined>;
  write(name: SecretName, value: Uint8Array): Promise<void>;
  delete(name: SecretName): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export async function readJsonSecret(store: SecretStore, name: SecretName): Promise<unknown> {
  const bytes = await store.read(name);
  return bytes === undefined ? undefined : (JSON.parse(decoder.decode(bytes)) as unknown);
}

export async function writeJsonSecret(store: SecretStore, name: SecretName, value: unknown): Promise<void> {
  await store.write(name, encoder.encode(JSON.stringify(value)));
}
