// One `up`, `stop` or `reset` at a time on this machine. Each reads the runner's record (stack.json), starts or
// stops processes and writes the record back; two at once (two people's test runs on a shared stack) would each
// write their own view, and a process one of them started would be left running unrecorded, holding its ports. The
// lock is a file naming its holder's pid: a holder that died leaves a stale file, which the next taker removes.
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export type LockOptions = Readonly<{
  /** Told once when the lock is held by another process, with its pid. */
  onWait?: (holderPid: number) => void;
  timeoutMs?: number;
  pollMs?: number;
  /** Whether a pid is a live process (injected for tests). */
  isAlive?: (pid: number) => boolean;
}>;

export class StackLockTimeout extends Error {
  override readonly name = 'StackLockTimeout';
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function holderOf(path: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `work` holding the lock at `path`; re-entrant within one process (reset stops the trusts itself). */
export async function withStackLock<T>(
  path: string,
  work: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const isAlive = options.isAlive ?? processIsAlive;
  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
  await mkdir(dirname(path), { recursive: true });
  let told = false;
  for (;;) {
    const holder = await holderOf(path);
    if (holder === process.pid) return work();
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (holder !== undefined && !isAlive(holder)) {
      // Its holder died: the lock is stale. Whoever removes it first takes it on the next turn.
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new StackLockTimeout(`another stack command (pid ${holder ?? '?'}) still holds ${path}`);
    }
    if (!told && holder !== undefined) {
      options.onWait?.(holder);
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
  try {
    return await work();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}
