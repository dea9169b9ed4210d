// The file in userData that holds the wrapped sealing key: readable by this OS user only, replaced whole (written
// beside it, then renamed), so a crash mid-write leaves the old key or none, never half of one.
import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WrappedKeyFile } from './sealingKeyVault.ts';

export const sealingKeyFileName = 'secret-sealing-key.safestorage';

export function sealingKeyFile(userDataDirectory: string): WrappedKeyFile {
  const path = join(userDataDirectory, sealingKeyFileName);
  return {
    path,
    async read() {
      try {
        return await readFile(path);
      } catch (error) {
        if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async write(wrapped) {
      const temporary = `${path}.${randomUUID()}.tmp`;
      try {
        await writeFile(temporary, wrapped, { mode: 0o600, flag: 'wx' });
        await rename(temporary, path);
      } finally {
        await rm(temporary, { force: true });
      }
    },
  };
}
