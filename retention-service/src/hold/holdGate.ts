// The legal-hold gate: placing a hold and every step that destroys content exclude each other, so no purge can
// act on a stale "not held". It is one PostgreSQL advisory lock in Bleep's database, used as a readers-writer
// lock: a destructive step (one room's purge, the run's search-row, staging and media deletes, purge-room) holds it
// shared from its hold check to its last deletion, so several run side by side; placing a hold takes it exclusive
// for its transaction, so it waits for the steps in flight and the steps after it wait for it to commit, then see
// it. One lock rather than one per room: a user hold covers rooms the user joins while it is placed, and the bulk
// deletes touch every room at once, which per-room locks could not cover without a lock for "all rooms" beside them.
import type { Pool, PoolClient } from 'pg';

export const holdGateKey = 'bleep_legal_hold_gate';

export class HoldGateError extends Error {
  override readonly name = 'HoldGateError';
  readonly code = 'HOLD_GATE_LOST';
}

export type HoldGateLease = Readonly<{
  /**
   * Throws unless the gate is still held: called just before each destructive call. The lock lives as long as its
   * connection; if Bleep's database dropped it, a hold may be placed meanwhile, so nothing is destroyed.
   */
  confirm: () => Promise<void>;
}>;

/** Runs `work` holding the gate shared (beside other destructive steps, never beside a hold being placed). */
export async function withHoldGate<T>(pool: Pool, work: (lease: HoldGateLease) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock_shared(hashtext($1))', [holdGateKey]);
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
  let lost = false;
  const lease: HoldGateLease = {
    confirm: async () => {
      try {
        await client.query('SELECT 1');
      } catch (error) {
        lost = true;
        throw new HoldGateError(
          `the legal-hold gate was lost with its connection to Bleep's database (${(error as Error).message}): ` +
            'nothing more is purged until the holds are checked again',
        );
      }
    },
  };
  try {
    return await work(lease);
  } finally {
    await releaseShared(client, lost);
  }
}

async function releaseShared(client: PoolClient, lost: boolean): Promise<void> {
  if (lost) {
    client.release(true);
    return;
  }
  try {
    await client.query('SELECT pg_advisory_unlock_shared(hashtext($1))', [holdGateKey]);
    client.release();
  } catch (error) {
    // The connection is gone, and the lock with it; the pool must not lend this client out again.
    client.release(error as Error);
  }
}

/**
 * Takes the gate exclusive for the rest of the transaction `client` is in (placing a hold). Answers whether it had
 * to wait for a destructive step in flight, after waiting; `onWait` is called first, so a person is told why.
 */
export async function lockHoldGateForPlacement(client: PoolClient, onWait: () => void): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
    [holdGateKey],
  );
  if (rows[0]?.locked === true) return false;
  onWait();
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [holdGateKey]);
  return true;
}
