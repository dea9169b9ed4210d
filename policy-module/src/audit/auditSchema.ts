// The audit trail's table: append-only, enforced by the database itself (a trigger refuses UPDATE, DELETE and
// TRUNCATE), and hash-chained, so that even a superuser or the table's owner, who can disable the trigger to change
// or delete a row, is caught by verifyAuditChain. Deploy so the gateway's role does not own the table, and keep the
// last verified hash elsewhere: only that anchor catches the newest rows being cut off or the whole chain rewritten.
//
// seq is assigned by the appender under its lock rather than by a bigserial: a sequence is not transactional, so
// an append rolled back would leave a gap that verification could not tell from a deleted row.
import type { Pool } from 'pg';
import { inTransaction } from '../database/inTransaction.ts';

export const auditSchemaSql = `
CREATE TABLE IF NOT EXISTS bleep_audit (
  seq        bigint PRIMARY KEY,
  at         timestamptz NOT NULL,
  actor      text,
  device     text,
  action     text NOT NULL,
  room       text,
  result     text NOT NULL,
  detail     jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash  text NOT NULL,
  hash       text NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS bleep_audit_at ON bleep_audit (at);
CREATE INDEX IF NOT EXISTS bleep_audit_actor ON bleep_audit (actor, at);

CREATE OR REPLACE FUNCTION bleep_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'bleep_audit is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

DROP TRIGGER IF EXISTS bleep_audit_no_change ON bleep_audit;
CREATE TRIGGER bleep_audit_no_change BEFORE UPDATE OR DELETE ON bleep_audit
  FOR EACH ROW EXECUTE FUNCTION bleep_audit_append_only();
DROP TRIGGER IF EXISTS bleep_audit_no_truncate ON bleep_audit;
CREATE TRIGGER bleep_audit_no_truncate BEFORE TRUNCATE ON bleep_audit
  FOR EACH STATEMENT EXECUTE FUNCTION bleep_audit_append_only();
`;

export async function migrateAuditSchema(pool: Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    // Two processes starting at once (gateway and CLI) must not race on CREATE OR REPLACE.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('bleep_audit_schema'))");
    await client.query(auditSchemaSql);
  });
}
