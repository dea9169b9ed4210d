import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createIndexedDbArchiveStorage } from './indexedDbArchiveStorage.ts';

const bytes = (...values: number[]) => new Uint8Array(values);
const newStorage = (indexedDB = new IDBFactory()) =>
  createIndexedDbArchiveStorage({ databaseName: 'bleep-archive', indexedDB });

describe('the archive storage in IndexedDB', () => {
  it('lists and reads nothing before the first write', async () => {
    const storage = newStorage();
    expect(await storage.list()).toEqual([]);
    expect(await storage.read('m.one')).toBeUndefined();
  });

  it('writes, replaces, reads, lists and deletes records', async () => {
    const storage = newStorage();
    await storage.write('m.one', bytes(1));
    await storage.write('m.two', bytes(2));
    await storage.write('m.one', bytes(9, 9));
    expect(await storage.read('m.one')).toEqual(bytes(9, 9));
    expect([...(await storage.list())].sort()).toEqual(['m.one', 'm.two']);
    await storage.delete(['m.one', 'm.never-was']);
    expect(await storage.list()).toEqual(['m.two']);
  });

  it('keeps exactly the bytes of a view, not the buffer around it', async () => {
    const storage = newStorage();
    const buffer = bytes(0, 1, 2, 3, 4);
    await storage.write('m.view', buffer.subarray(1, 3));
    buffer[1] = 7;
    expect(await storage.read('m.view')).toEqual(bytes(1, 2));
  });

  it('keeps records for a new storage over the same database (a restart)', async () => {
    const indexedDB = new IDBFactory();
    await newStorage(indexedDB).write('m.one', bytes(1, 2, 3));
    const restarted = newStorage(indexedDB);
    expect(await restarted.list()).toEqual(['m.one']);
    expect(await restarted.read('m.one')).toEqual(bytes(1, 2, 3));
  });

  it('refuses a name that is not a record name', async () => {
    const storage = newStorage();
    for (const name of ['../escape', '.hidden', 'a/b', '', 'x'.repeat(200)]) {
      await expect(storage.write(name, bytes(1))).rejects.toThrow(/record name/);
    }
  });

  it('destroys the database, even with another connection open, and can start again afterwards', async () => {
    const indexedDB = new IDBFactory();
    const storage = newStorage(indexedDB);
    const other = newStorage(indexedDB);
    await storage.write('m.one', bytes(1));
    expect(await other.list()).toEqual(['m.one']);
    await storage.destroy();
    expect((await indexedDB.databases()).map((database) => database.name)).toEqual([]);
    expect(await storage.list()).toEqual([]);
    await storage.write('m.two', bytes(2));
    expect(await storage.list()).toEqual(['m.two']);
  });
});
