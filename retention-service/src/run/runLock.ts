// Two replicas of the service (or a scheduled run and `bleep-retention run`) never purge at once: a run holds a
// PostgreSQL session advisory lock in Bleep's database for as long as it runs. If its process dies, its
// connection closes and the lock goes with it, so a crashed run never blocks the next.
import type { Pool, PoolClient } from 'pg';

export const runLockKey = 'bleep_retention_run';

export type RunLock = Readonly<{ release: () => Promise<void> }>;

export type LockOptions = Readonly<{
  /** Keep trying until this many ms have passed (0: one try). */
  waitMs: number;
  pollMs?: number;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
}>;

async function tryLock(client: PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
    [runLockKey],
  );
  return rows[0]?.locked === true;
}

/** The lock, or undefined when another run holds it for longer than we would wait. */
export async function acquireRunLock(pool: Pool, options: LockOptions): Promise<RunLock | undefined> {
  const client = await pool.connect();
  const deadline = options.clock().getTime() + options.waitMs;
  try {
    for (;;) {
      if (await tryLock(client)) break;
      if (options.clock().getTime() >= deadline) {
        client.release();
        return undefined;
      }
      await options.sleep(options.pollMs ?? 1000);
    }
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
  return {
    release: async () => {
      try {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [runLockKey]);
        client.release();
      } catch (error) {
        // The connection is gone, and the lock with it; the pool must not lend this client out again.
        client.release(error as Error);
      }
    },
  };
}
