// An ArchiveStorage in memory, for unit tests of the core (node/fileArchiveStorage.ts has its own tests).
import type { ArchiveStorage } from './archiveStorage.ts';
import { recordNamePattern } from './archiveStorage.ts';

export function createMemoryArchiveStorage(): ArchiveStorage & {
  readonly records: Map<string, Uint8Array>;
  readonly destroyed: () => boolean;
} {
  const records = new Map<string, Uint8Array>();
  let destroyed = false;
  return {
    records,
    destroyed: () => destroyed,
    list: () => Promise.resolve([...records.keys()]),
    read: (name) => Promise.resolve(records.get(name)?.slice()),
    write: (name, bytes) => {
      if (!recordNamePattern.test(name)) return Promise.reject(new Error(`bad record name ${name}`));
      records.set(name, bytes.slice());
      return Promise.resolve();
    },
    delete: (names) => {
      for (const name of names) records.delete(name);
      return Promise.resolve();
    },
    destroy: () => {
      records.clear();
      destroyed = true;
      return Promise.resolve();
    },
  };
}
