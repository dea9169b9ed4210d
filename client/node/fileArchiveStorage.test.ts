import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileArchiveStorage } from './fileArchiveStorage.ts';

async function newDirectory(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'bleep-archive-test-')), 'archive');
}

const bytes = (...values: number[]) => new Uint8Array(values);

describe('the archive storage in files', () => {
  it('lists nothing before its directory exists, then makes it for its owner only at the first write', async () => {
    const directory = await newDirectory();
    const storage = createFileArchiveStorage(directory);
    expect(await storage.list()).toEqual([]);
    expect(await storage.read('m.one')).toBeUndefined();
    await storage.write('m.one', bytes(1, 2, 3));
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    expect((await stat(join(directory, 'm.one'))).mode & 0o777).toBe(0o600);
  });

  it('writes, replaces, reads, lists and deletes records', async () => {
    const storage = createFileArchiveStorage(await newDirectory());
    await storage.write('m.one', bytes(1));
    await storage.write('m.two', bytes(2));
    await storage.write('m.one', bytes(9, 9));
    expect(await storage.read('m.one')).toEqual(bytes(9, 9));
    expect([...(await storage.list())].sort()).toEqual(['m.one', 'm.two']);
    await storage.delete(['m.one', 'm.never-was']);
    expect(await storage.list()).toEqual(['m.two']);
  });

  it('leaves no temporary files behind, and never lists one a crash left', async () => {
    const directory = await newDirectory();
    const storage = createFileArchiveStorage(directory);
    await storage.write('m.one', bytes(1));
    expect(await readdir(directory)).toEqual(['m.one']);
    await writeFile(join(directory, 'm.two.abcd1234.tmp'), bytes(2));
    expect(await storage.list()).toEqual(['m.one']);
  });

  it('refuses a name that could leave its directory', async () => {
    const storage = createFileArchiveStorage(await newDirectory());
    for (const name of ['../escape', '..', '.hidden', 'a/b', '', 'x'.repeat(200)]) {
      await expect(storage.write(name, bytes(1))).rejects.toThrow(/record name/);
    }
  });

  it('destroys the directory and all in it, and can start again afterwards', async () => {
    const directory = await newDirectory();
    const storage = createFileArchiveStorage(directory);
    await storage.write('m.one', bytes(1));
    await storage.destroy();
    await expect(stat(directory)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await storage.list()).toEqual([]);
    await storage.write('m.two', bytes(2));
    expect(await storage.list()).toEqual(['m.two']);
  });
});
