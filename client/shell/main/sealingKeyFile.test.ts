import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sealingKeyFile, sealingKeyFileName } from './sealingKeyFile.ts';

describe('the wrapped sealing key file', () => {
  it('reads nothing before the first write', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'bleep-shell-key-'));
    expect(await sealingKeyFile(directory).read()).toBeUndefined();
  });

  it('writes the wrapped key readable by this user only, replacing it whole and leaving no temporary file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'bleep-shell-key-'));
    const file = sealingKeyFile(directory);
    expect(file.path).toBe(join(directory, sealingKeyFileName));
    await file.write(Buffer.from('first'));
    await file.write(Buffer.from('second'));
    expect((await file.read())?.toString()).toBe('second');
    expect(await readdir(directory)).toEqual([sealingKeyFileName]);
    if (process.platform !== 'win32') expect((await stat(file.path)).mode & 0o777).toBe(0o600);
  });

  it('lets an unreadable file be an error, not a missing key', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'bleep-shell-key-'));
    await writeFile(join(directory, 'not-a-directory'), 'x');
    await expect(sealingKeyFile(join(directory, 'not-a-directory')).read()).rejects.toThrow(/ENOTDIR/);
  });
});
