// The trust's staff directory in its Bleep database: one row per clinician trust IT lists, with the name, role and
// department colleagues find them by when they start a conversation. Kept by trust IT (bleep-policy staff ...),
// read by the gateway (POST /_bleep/staff/search). No patient data. Idempotent, made by `bleep-policy migrate`.
import type { Pool } from 'pg';
import { inTransaction } from '../database/inTransaction.ts';

export const staffDirectorySchemaSql = `
CREATE TABLE IF NOT EXISTS bleep_staff_member (
  user_id      text PRIMARY KEY,
  display_name text NOT NULL,
  role         text NOT NULL,
  department   text NOT NULL,
  -- The four fields above, Unicode-normalised and lower-cased by the store, so a search matches whatever the case
  -- (PostgreSQL's lower() under the C collation folds ASCII only).
  search_text  text NOT NULL,
  updated_at   timestamptz NOT NULL,
  -- Who in trust IT last set the entry.
  updated_by   text NOT NULL
);
`;

export async function migrateStaffDirectorySchema(pool: Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('bleep_staff_directory_schema'))");
    await client.query(staffDirectorySchemaSql);
  });
}
