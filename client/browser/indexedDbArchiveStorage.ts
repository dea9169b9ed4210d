/// <reference lib="dom" />
// The message archive's storage in the desktop's renderer: one IndexedDB database, one entry per record, its name the
// key. What it keeps is sealed by the core already (core/archive/archiveCipher.ts); this module never sees a message
// in the clear, and the names carry keyed tags, not ids.
import { recordNamePattern, type ArchiveStorage } from '../core/archive/archiveStorage.ts';
import { deleteKeyValueDatabase, openKeyValueDatabase, type KeyValueDatabase } from './keyValueDatabase.ts';

const records = 'records';

export type IndexedDbArchiveStorageOptions = Readonly<{
  /** The database's name: one archive per desktop profile. */
  databaseName: string;
  indexedDB?: IDBFactory;
}>;

function checkedName(name: string): string {
  if (!recordNamePattern.test(name)) throw new Error('not a valid archive record name');
  return name;
}

export function createIndexedDbArchiveStorage(options: IndexedDbArchiveStorageOptions): ArchiveStorage {
  const factory = options.indexedDB ?? globalThis.indexedDB;
  // Opened at first use, and again after destroy(): the wipe at sign-out deletes the database, and the next session
  // on this desktop starts a new one.
  let opened: Promise<KeyValueDatabase> | undefined;
  const database = () => (opened ??= openKeyValueDatabase(factory, options.databaseName, [records]));

  return {
    list: async () => {
      const names = await (await database()).keys(records);
      return names.filter((name) => recordNamePattern.test(name));
    },
    read: async (name) => {
      const value = await (await database()).get(records, checkedName(name));
      if (value === undefined) return undefined;
      // Only this module writes here, always bytes; anything else was not written by Bleep and is no record.
      if (!(value instanceof Uint8Array)) throw new Error('an archive record that is not bytes');
      return value;
    },
    write: async (name, bytes) => {
      // A copy of exactly these bytes, not the whole buffer a view may sit in.
      await (await database()).put(records, checkedName(name), new Uint8Array(bytes));
    },
    delete: async (names) => {
      await (await database()).delete(records, names.map(checkedName));
    },
    destroy: async () => {
      const current = opened;
      opened = undefined;
      if (current) (await current).close();
      await deleteKeyValueDatabase(factory, options.databaseName);
    },
  };
}
