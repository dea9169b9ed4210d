// Remembers, in the trust's Bleep database, the issue date of the newest trust directory the gateway has accepted,
// so that after a restart an older (validly signed, unexpired) directory is still refused as a rollback.
import type { Pool } from 'pg';
import { inTransaction } from '../database/inTransaction.ts';

const acceptedDirectorySchemaSql = `
CREATE TABLE IF NOT EXISTS bleep_accepted_directory (
  -- One row: the high-water mark.
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  newest_issued_at timestamptz NOT NULL
);
`;

export async function migrateAcceptedDirectorySchema(pool: Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    // As for the other tables: concurrent CREATE TABLE IF NOT EXISTS can collide on the catalogue.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('bleep_accepted_directory_schema'))");
    await client.query(acceptedDirectorySchemaSql);
  });
}

/** The newest issue date accepted so far, as an ISO string, or undefined before any. */
export async function readNewestAcceptedIssuedAt(pool: Pool): Promise<string | undefined> {
  const { rows } = await pool.query<{ newest_issued_at: Date }>(
    'SELECT newest_issued_at FROM bleep_accepted_directory',
  );
  return rows[0]?.newest_issued_at.toISOString();
}

/** Raises the high-water mark to `issuedAt`; never lowers it (two gateways may race). */
export async function recordAcceptedIssuedAt(pool: Pool, issuedAt: string): Promise<void> {
  await pool.query(
    `INSERT INTO bleep_accepted_directory (newest_issued_at) VALUES ($1)
     ON CONFLICT (singleton) DO UPDATE
       SET newest_issued_at = GREATEST(bleep_accepted_directory.newest_issued_at, EXCLUDED.newest_issued_at)`,
    [issuedAt],
  );
}
