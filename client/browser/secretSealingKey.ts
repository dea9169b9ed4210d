/// <reference lib="dom" />
// Where the key that seals the desktop's secrets comes from: the seam between the secret store and what protects its
// key at rest. In a browser, a non-extractable AES-256-GCM key kept in IndexedDB (structured clone keeps it
// non-extractable: no script, ours or injected, can read its bytes out). Chromium writes that key's bytes into the
// profile's IndexedDB files all the same, so it protects the secrets from a script, not from someone holding the
// profile directory: in the desktop app the shell supplies the key instead, unwrapped with Electron safeStorage (the
// operating system's keychain), behind this same interface.
import type { KeyValueDatabase } from './keyValueDatabase.ts';

export interface SecretSealingKey {
  /** The AES-GCM key that seals and opens every secret of this desktop; made on first use, the same ever after. */
  get(): Promise<CryptoKey>;
}

export const sealingKeyStore = 'sealing-key';
const keyName = 'aes-gcm-256';

function isAesGcmKey(value: unknown): value is CryptoKey {
  return value instanceof CryptoKey && value.algorithm.name === 'AES-GCM' && !value.extractable;
}

/** A non-extractable key made with WebCrypto and kept in this database's 'sealing-key' store. */
export function indexedDbSealingKey(database: KeyValueDatabase): SecretSealingKey {
  let key: Promise<CryptoKey> | undefined;
  const load = async () => {
    const made = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    // Two windows starting at once each make a key; the first one kept wins, and both use it.
    const kept = await database.getOrPut(sealingKeyStore, keyName, made);
    if (!isAesGcmKey(kept)) throw new Error('the kept sealing key is not a non-extractable AES-GCM key');
    return kept;
  };
  return {
    get: () => {
      key ??= load();
      return key;
    },
  };
}
