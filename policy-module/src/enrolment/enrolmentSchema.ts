// The device enrolment tables in the trust's Bleep database. Idempotent, so the gateway and the bleep-policy
// command can both apply it on start and whichever runs first creates the tables.
import type { Pool } from 'pg';
import { inTransaction } from '../database/inTransaction.ts';

export const enrolmentSchemaSql = `
CREATE TABLE IF NOT EXISTS bleep_device_enrolment (
  device_id text PRIMARY KEY,
  label text,
  -- SHA-256 of the one-time code; NULL once it is redeemed or the device is revoked. The code is never stored.
  code_hash bytea CHECK (octet_length(code_hash) = 32),
  code_expires_at timestamptz,
  -- SHA-256 of the device credential; NULL until the code is redeemed. The credential is never stored.
  credential_hash bytea CHECK (octet_length(credential_hash) = 32),
  enrolled_at timestamptz,
  revoked_at timestamptz,
  -- Who in trust IT issued the current code.
  created_by text NOT NULL,
  CHECK ((code_hash IS NULL) = (code_expires_at IS NULL)),
  CHECK ((credential_hash IS NULL) = (enrolled_at IS NULL))
);

-- Who signed in on which enrolled device, so a revocation knows whose Synapse sessions to end.
CREATE TABLE IF NOT EXISTS bleep_device_login (
  device_id text NOT NULL,
  user_id text NOT NULL,
  last_login_at timestamptz NOT NULL,
  PRIMARY KEY (device_id, user_id)
);
`;

/** Creates the enrolment tables if they are missing. */
export async function migrateEnrolmentSchema(pool: Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    // Two processes running CREATE TABLE IF NOT EXISTS at the same moment can still collide on the catalogue;
    // the advisory lock makes the second wait and then find the tables.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('bleep_device_enrolment_schema'))");
    await client.query(enrolmentSchemaSql);
  });
}
