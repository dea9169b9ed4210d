// The table of desktops' expiry reports in the trust's Bleep database: the latest report each (user, device)
// sent through the gateway (POST /_bleep/expiry-report). The retention service reads it to warn and sign out
// desktops that stopped reporting; the gateway writes it. Idempotent, made by `bleep-policy migrate`.
import type { Pool } from 'pg';
import { inTransaction } from '../database/inTransaction.ts';

export const expirySchemaSql = `
CREATE TABLE IF NOT EXISTS bleep_expiry_report (
  user_id     text NOT NULL,
  device_id   text NOT NULL,
  -- The send time of the oldest message the desktop's archive holds; NULL when its archive is empty.
  oldest_ts   timestamptz,
  -- When the desktop last swept its archive, by its own clock.
  swept_at    timestamptz NOT NULL,
  -- When the gateway received the report, by the gateway's clock: the one the deadlines count from.
  received_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, device_id)
);
`;

/** Creates the expiry report table if it is missing. */
export async function migrateExpirySchema(pool: Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('bleep_expiry_schema'))");
    await client.query(expirySchemaSql);
  });
}
