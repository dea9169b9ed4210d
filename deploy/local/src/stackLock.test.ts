import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StackLockTimeout, withStackLock } from './stackLock.ts';

describe('withStackLock', () => {
  let dir: string;
  let lock: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stack-lock-'));
    lock = join(dir, 'stack.lock');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs one holder at a time and frees the lock after', async () => {
    const order: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const first = withStackLock(lock, async () => {
      order.push('first in');
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      order.push('first out');
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The same process is re-entrant, so the second holder pretends to be another process by the file's pid.
    await writeFile(lock, '999999\n');
    const second = withStackLock(
      lock,
      () => {
        order.push('second');
        return Promise.resolve();
      },
      { pollMs: 5, isAlive: (pid) => pid === 999999 && order.length < 2 },
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(order).toEqual(['first in']);
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second']);
    await expect(readFile(lock)).rejects.toThrow(/ENOENT/);
  });

  it('takes over a lock whose holder died', async () => {
    await writeFile(lock, '999999\n');
    await expect(withStackLock(lock, () => Promise.resolve('ran'), { isAlive: () => false })).resolves.toBe(
      'ran',
    );
  });

  it('gives up after its timeout, naming the holder', async () => {
    await writeFile(lock, '999999\n');
    let waitedFor: number | undefined;
    await expect(
      withStackLock(lock, () => Promise.resolve(), {
        isAlive: () => true,
        timeoutMs: 30,
        pollMs: 5,
        onWait: (pid) => (waitedFor = pid),
      }),
    ).rejects.toThrow(StackLockTimeout);
    expect(waitedFor).toBe(999999);
  });

  it('is re-entrant within one process', async () => {
    const inner = await withStackLock(lock, () => withStackLock(lock, () => Promise.resolve('nested')));
    expect(inner).toBe('nested');
  });
});
