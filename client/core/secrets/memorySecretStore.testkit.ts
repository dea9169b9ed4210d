// A SecretStore in memory, for unit tests of the core (the passphrase store has its own tests).
import type { SecretName, SecretStore } from './secretStore.ts';

export function createMemorySecretStore(): SecretStore & { readonly entries: Map<SecretName, Uint8Array> } {
  const entries = new Map<SecretName, Uint8Array>();
  return {
    entries,
    read: (name) => Promise.resolve(entries.get(name)?.slice()),
    write: (name, value) => {
      entries.set(name, value.slice());
      return Promise.resolve();
    },
    delete: (name) => {
      entries.delete(name);
      return Promise.resolve();
    },
  };
}
