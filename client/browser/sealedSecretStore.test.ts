import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { SecretStoreLockedError } from '../core/errors/clientErrors.ts';
import { openKeyValueDatabase, type KeyValueDatabase } from './keyValueDatabase.ts';
import { createSealedSecretStore, secretEntriesStore } from './sealedSecretStore.ts';
import { indexedDbSealingKey, sealingKeyStore } from './secretSealingKey.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) =>
  value === undefined ? undefined : new TextDecoder().decode(value);

const openDatabase = (indexedDB: IDBFactory) =>
  openKeyValueDatabase(indexedDB, 'bleep-secrets', [secretEntriesStore, sealingKeyStore]);

function storeOver(database: KeyValueDatabase) {
  return createSealedSecretStore({ database, sealingKey: indexedDbSealingKey(database) });
}

describe('the sealed secret store in IndexedDB', () => {
  it('keeps a secret across a reopen of the database (a restart), with the same kept key', async () => {
    const indexedDB = new IDBFactory();
    await storeOver(await openDatabase(indexedDB)).write('session', bytes('syt_access_token'));
    const reopened = storeOver(await openDatabase(indexedDB));
    expect(text(await reopened.read('session'))).toBe('syt_access_token');
    expect(await reopened.read('archive-key')).toBeUndefined();
  });

  it('keeps only ciphertext: the entry holds neither the secret nor its bytes', async () => {
    const database = await openDatabase(new IDBFactory());
    await storeOver(database).write('session', bytes('syt_access_token'));
    const entry = (await database.get(secretEntriesStore, 'session')) as { sealed: Uint8Array };
    expect(Buffer.from(entry.sealed).includes(Buffer.from('syt_access_token'))).toBe(false);
    expect(JSON.stringify(entry)).not.toContain('syt_access_token');
  });

  it('keeps a non-extractable AES-GCM key, one for every store over the database', async () => {
    const database = await openDatabase(new IDBFactory());
    const [first, second] = await Promise.all([
      indexedDbSealingKey(database).get(),
      indexedDbSealingKey(database).get(),
    ]);
    const kept = (await database.get(sealingKeyStore, 'aes-gcm-256')) as CryptoKey;
    expect(kept.extractable).toBe(false);
    expect(kept.algorithm.name).toBe('AES-GCM');
    await expect(crypto.subtle.exportKey('raw', kept)).rejects.toThrow();
    // Both first users agree on the key kept: what one seals, the other opens.
    const store = createSealedSecretStore({ database, sealingKey: { get: () => Promise.resolve(first) } });
    await store.write('archive-key', bytes('k'));
    const other = createSealedSecretStore({ database, sealingKey: { get: () => Promise.resolve(second) } });
    expect(text(await other.read('archive-key'))).toBe('k');
  });

  it('refuses a secret sealed under another key: locked, never a wrong value', async () => {
    const database = await openDatabase(new IDBFactory());
    await storeOver(database).write('session', bytes('token'));
    const otherKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    const stranger = createSealedSecretStore({
      database,
      sealingKey: { get: () => Promise.resolve(otherKey) },
    });
    await expect(stranger.read('session')).rejects.toBeInstanceOf(SecretStoreLockedError);
  });

  it('refuses a secret moved under another name (the name is sealed with it)', async () => {
    const database = await openDatabase(new IDBFactory());
    await storeOver(database).write('session', bytes('token'));
    await database.put(
      secretEntriesStore,
      'crypto-storage-key',
      await database.get(secretEntriesStore, 'session'),
    );
    await expect(storeOver(database).read('crypto-storage-key')).rejects.toBeInstanceOf(
      SecretStoreLockedError,
    );
  });

  it('refuses a secret whose ciphertext was changed, and an entry that is not a sealed secret', async () => {
    const database = await openDatabase(new IDBFactory());
    const store = storeOver(database);
    await store.write('session', bytes('token'));
    const entry = (await database.get(secretEntriesStore, 'session')) as { sealed: Uint8Array };
    entry.sealed[0] = (entry.sealed[0] ?? 0) ^ 1;
    await database.put(secretEntriesStore, 'session', entry);
    await expect(store.read('session')).rejects.toBeInstanceOf(SecretStoreLockedError);
    await database.put(secretEntriesStore, 'archive-key', 'not sealed');
    await expect(store.read('archive-key')).rejects.toBeInstanceOf(SecretStoreLockedError);
  });

  it('forgets a deleted secret, across a reopen too', async () => {
    const indexedDB = new IDBFactory();
    const store = storeOver(await openDatabase(indexedDB));
    await store.write('session', bytes('token'));
    await store.delete('session');
    expect(await store.read('session')).toBeUndefined();
    expect(await storeOver(await openDatabase(indexedDB)).read('session')).toBeUndefined();
  });
});
