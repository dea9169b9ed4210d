// The message archive's storage under Node (the headless core: integration tests, the benchmark): one file per
// record in a directory only its owner can enter. Each file is written whole (to a temporary file, then renamed),
// so a crash leaves the old record or the new one, never half. What the files hold is sealed by the core already;
// this module never sees a message in the clear.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recordNamePattern, type ArchiveStorage } from '../core/archive/archiveStorage.ts';

/** How many files a deletion removes at once. */
const deletionsInFlight = 64;

const temporarySuffix = '.tmp';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

function pathOf(directory: string, name: string): string {
  // The pattern forbids '/', '..' as a whole name and a leading '.': a name can only be a file in the directory.
  if (!recordNamePattern.test(name)) throw new Error('not a valid archive record name');
  return join(directory, name);
}

export function createFileArchiveStorage(directory: string): ArchiveStorage {
  let made: Promise<unknown> | undefined;
  const ensureDirectory = () => (made ??= mkdir(directory, { recursive: true, mode: 0o700 }));

  return {
    list: async () => {
      let names: string[];
      try {
        names = await readdir(directory);
      } catch (error) {
        if (isMissing(error)) return [];
        throw error;
      }
      // A temporary file is a write that a crash interrupted: never a record.
      return names.filter((name) => !name.endsWith(temporarySuffix) && recordNamePattern.test(name));
    },
    read: async (name) => {
      try {
        return new Uint8Array(await readFile(pathOf(directory, name)));
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    write: async (name, bytes) => {
      const path = pathOf(directory, name);
      await ensureDirectory();
      const temporary = `${path}.${randomBytes(4).toString('hex')}${temporarySuffix}`;
      await writeFile(temporary, bytes, { mode: 0o600 });
      await rename(temporary, path);
    },
    delete: async (names) => {
      // A sweep deletes tens of thousands at once: one at a time, each waits for the last (the bench measured 2.3 s
      // for 50,000); a few dozen in flight keep the disk busy without opening thousands of handles.
      for (let from = 0; from < names.length; from += deletionsInFlight) {
        await Promise.all(
          names.slice(from, from + deletionsInFlight).map(async (name) => {
            try {
              await unlink(pathOf(directory, name));
            } catch (error) {
              if (!isMissing(error)) throw error;
            }
          }),
        );
      }
    },
    destroy: async () => {
      await rm(directory, { recursive: true, force: true });
      made = undefined;
    },
  };
}
