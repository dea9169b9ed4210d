// The browser's per-clinician stores over fake-indexeddb and Node's WebCrypto (the same API Chromium's pages have).
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { SecretStoreLockedError } from '../core/errors/clientErrors.ts';
import { browserClinicianStores, clinicianTag } from './browserClinicianStores.ts';
import { openKeyValueDatabase } from './keyValueDatabase.ts';
import { indexedDbSealingKey, sealingKeyStore } from './secretSealingKey.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) =>
  value === undefined ? undefined : new TextDecoder().decode(value);

/** A desktop: its IndexedDB and its own sealing key (in the app, the one the shell unwraps with safeStorage). */
async function desktop(indexedDB = new IDBFactory()) {
  const database = await openKeyValueDatabase(indexedDB, 'bleep-secrets', [sealingKeyStore]);
  const openClinician = browserClinicianStores({
    desktopSealingKey: indexedDbSealingKey(database),
    indexedDB,
    // Fewer rounds than the real 600,000, so the suite stays quick; a record keeps its own count.
    iterations: 1_000,
  });
  return { indexedDB, openClinician };
}

/** Every value in every store of every database of this IndexedDB, as bytes and JSON. */
async function everythingKept(indexedDB: IDBFactory): Promise<{ names: string[]; dump: Buffer }> {
  const names = (await indexedDB.databases()).map((info) => info.name ?? '');
  const parts: Buffer[] = [];
  for (const name of names) {
    const database = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => {
        resolve(request.result);
      };
      request.onerror = () => {
        reject(request.error ?? new Error('open failed'));
      };
    });
    for (const store of database.objectStoreNames) {
      const values = await new Promise<unknown[]>((resolve, reject) => {
        const request = database.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => {
          resolve(request.result as unknown[]);
        };
        request.onerror = () => {
          reject(request.error ?? new Error('read failed'));
        };
      });
      for (const value of values) {
        parts.push(Buffer.from(JSON.stringify(value)));
        for (const field of Object.values(value as Record<string, unknown>)) {
          if (field instanceof Uint8Array) parts.push(Buffer.from(field));
          if (typeof field === 'object' && field !== null)
            for (const inner of Object.values(field))
              if (inner instanceof Uint8Array) parts.push(Buffer.from(inner));
        }
      }
    }
    database.close();
  }
  return { names, dump: Buffer.concat(parts) };
}

describe("a clinician's own stores on a shared desktop, in the browser", () => {
  it('keeps their secrets for them across a reopen with their PIN (a restart), and their archive apart', async () => {
    const { openClinician } = await desktop();
    const first = await openClinician('staff-nurse', '482913');
    await first.secrets.write('session', bytes('syt_nurse_token'));
    await first.archive.write('record-1', bytes('sealed record'));
    const again = await openClinician('staff-nurse', '482913');
    expect(text(await again.secrets.read('session'))).toBe('syt_nurse_token');
    expect(text(await again.archive.read('record-1'))).toBe('sealed record');
  });

  it('refuses a wrong PIN at open, and a colleague with their own PIN finds nothing of hers', async () => {
    const { openClinician } = await desktop();
    await (await openClinician('staff-nurse', '482913')).secrets.write('session', bytes('syt_nurse_token'));
    await expect(openClinician('staff-nurse', '000000')).rejects.toBeInstanceOf(SecretStoreLockedError);
    const colleague = await openClinician('bank-nurse', '482913');
    expect(await colleague.secrets.read('session')).toBeUndefined();
    expect(await colleague.archive.list()).toEqual([]);
  });

  it('needs this desktop too: the right PIN over a copy of the profile without its sealing key opens nothing', async () => {
    const original = await desktop();
    await (
      await original.openClinician('staff-nurse', '482913')
    ).secrets.write('session', bytes('syt_nurse'));
    // The same IndexedDB (a copied profile) under another desktop key (its keychain not copied).
    const stolen = browserClinicianStores({
      desktopSealingKey: {
        get: () => crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
      },
      indexedDB: original.indexedDB,
      iterations: 1_000,
    });
    await expect(stolen('staff-nurse', '482913')).rejects.toBeInstanceOf(SecretStoreLockedError);
  });

  it('keeps neither the PIN, the sign-in name, nor a secret in the clear in any database or its name', async () => {
    const { indexedDB, openClinician } = await desktop();
    const stores = await openClinician('staff-nurse', '482913');
    await stores.secrets.write('session', bytes('syt_nurse_token'));
    const { names, dump } = await everythingKept(indexedDB);
    const tag = await clinicianTag('staff-nurse');
    expect(names.sort()).toEqual(['bleep-clinician-' + tag + '-secrets', 'bleep-secrets']);
    expect(names.join(' ')).not.toContain('staff-nurse');
    expect(dump.length).toBeGreaterThan(0);
    for (const clear of ['482913', 'staff-nurse', 'syt_nurse_token'])
      expect(dump.includes(Buffer.from(clear))).toBe(false);
  });

  it('opens the same clinician from two windows at once with one record, and both read what either wrote', async () => {
    const { openClinician } = await desktop();
    const [one, two] = await Promise.all([
      openClinician('staff-nurse', '482913'),
      openClinician('staff-nurse', '482913'),
    ]);
    await one.secrets.write('archive-key', bytes('key-from-one'));
    expect(text(await two.secrets.read('archive-key'))).toBe('key-from-one');
  });
});
