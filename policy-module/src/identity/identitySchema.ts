// The table of clinicians' cross-signing identities in the trust's Bleep database: one row per clinician, made
// the first time one of their enrolled desktops asks to be signed. Public keys in the clear (they are public),
// private keys sealed (identitySealing.ts). Idempotent, made by `bleep-policy migrate`.
import type { Pool } from 'pg';
import { inTransaction } from '../database/inTransaction.ts';

export const identitySchemaSql = `
CREATE TABLE IF NOT EXISTS bleep_clinician_identity (
  user_id          text PRIMARY KEY,
  master_key       text NOT NULL,
  self_signing_key text NOT NULL,
  -- The three Ed25519 seeds, AES-256-GCM under the gateway's identity sealing key (never in this database).
  sealed_seeds     bytea NOT NULL,
  created_at       timestamptz NOT NULL,
  -- When Synapse first accepted the public keys; NULL until then.
  published_at     timestamptz
);
`;

export async function migrateIdentitySchema(pool: Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('bleep_identity_schema'))");
    await client.query(identitySchemaSql);
  });
}
