/// <reference lib="dom" />
// The desktop's SecretStore in the renderer: each secret sealed with AES-256-GCM under the sealing key
// (secretSealingKey.ts), a fresh 96-bit nonce each time and the secret's name bound in as associated data, so a
// sealed value moved under another name does not open; kept in IndexedDB. The core names each secret; this store
// only keeps bytes.
import { SecretStoreLockedError } from '../core/errors/clientErrors.ts';
import type { SecretName, SecretStore } from '../core/secrets/secretStore.ts';
import type { KeyValueDatabase } from './keyValueDatabase.ts';
import type { SecretSealingKey } from './secretSealingKey.ts';

export const secretEntriesStore = 'entries';
const format = 1;
const nonceBytes = 12;

type SealedSecret = Readonly<{ format: typeof format; nonce: Uint8Array; sealed: Uint8Array }>;

function isSealedSecret(value: unknown): value is SealedSecret {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return entry.format === format && entry.nonce instanceof Uint8Array && entry.sealed instanceof Uint8Array;
}

const associatedData = (name: SecretName) => new TextEncoder().encode(`bleep-secrets/${format}:${name}`);

export type SealedSecretStoreOptions = Readonly<{
  /** A database with the 'entries' store (and, for indexedDbSealingKey, the 'sealing-key' store). */
  database: KeyValueDatabase;
  sealingKey: SecretSealingKey;
}>;

export function createSealedSecretStore(options: SealedSecretStoreOptions): SecretStore {
  const { database, sealingKey } = options;
  return {
    read: async (name) => {
      const entry = await database.get(secretEntriesStore, name);
      if (entry === undefined) return undefined;
      if (!isSealedSecret(entry)) throw new SecretStoreLockedError();
      try {
        const opened = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: new Uint8Array(entry.nonce), additionalData: associatedData(name) },
          await sealingKey.get(),
          new Uint8Array(entry.sealed),
        );
        return new Uint8Array(opened);
      } catch {
        // Another key (a profile copied without its keychain), or bytes changed or moved: never a wrong secret.
        throw new SecretStoreLockedError();
      }
    },
    write: async (name, value) => {
      const nonce = crypto.getRandomValues(new Uint8Array(nonceBytes));
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv: nonce, additionalData: associatedData(name) },
        await sealingKey.get(),
        new Uint8Array(value),
      );
      const entry: SealedSecret = { format, nonce, sealed: new Uint8Array(sealed) };
      await database.put(secretEntriesStore, name, entry);
    },
    delete: async (name) => {
      await database.delete(secretEntriesStore, [name]);
    },
  };
}
