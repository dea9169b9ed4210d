// Remembers, in the trust's Bleep database, the issue date of the newest trust directory the gateway has accepted,
// so that after a restart an older (validly signed, unexpired) directory is still refused as a rollback.
//
// The gateway's role may UPDATE the mark to raise it, so the database itself refuses any lowering, and any
// DELETE or TRUNCATE (the role is not granted those, and the triggers hold even for a role that was): whoever can
// lower the mark can bring back a directory listing a partner the authority has since removed.
import type { Pool } from 'pg';
import { inTransaction } from '../database/inTransaction.ts';

const acceptedDirectorySchemaSql = `
CREATE TABLE IF NOT EXISTS bleep_accepted_directory (
  -- One row: the high-water mark.
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  newest_issued_at timestamptz NOT NULL
);

CREATE OR REPLACE FUNCTION bleep_accepted_directory_only_up() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.newest_issued_at < OLD.newest_issued_at THEN
      RAISE EXCEPTION 'bleep_accepted_directory only goes up: % is older than the accepted %',
        NEW.newest_issued_at, OLD.newest_issued_at USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'bleep_accepted_directory only goes up: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

DROP TRIGGER IF EXISTS bleep_accepted_directory_only_up ON bleep_accepted_directory;
CREATE TRIGGER bleep_accepted_directory_only_up BEFORE UPDATE OR DELETE ON bleep_accepted_directory
  FOR EACH ROW EXECUTE FUNCTION bleep_accepted_directory_only_up();
DROP TRIGGER IF EXISTS bleep_accepted_directory_no_truncate ON bleep_accepted_directory;
CREATE TRIGGER bleep_accepted_directory_no_truncate BEFORE TRUNCATE ON bleep_accepted_directory
  FOR EACH STATEMENT EXECUTE FUNCTION bleep_accepted_directory_only_up();
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
