// The audit trail's table: append-only, enforced by the database itself (a trigger refuses UPDATE, DELETE and
// TRUNCATE), and hash-chained, so that even a superuser or the table's owner, who can disable the trigger to change
// or delete a row, is caught by verifyAuditChain. Deploy so the gateway's role does not own the table, and keep the
// last verified hash elsewhere: only that anchor catches the newest rows being cut off or the whole chain rewritten.
//
// seq is assigned by the appender under its lock rather than by a bigserial: a sequence is not transactional, so
// an append rolled back would leave a gap that verification could not tell from a deleted row.
//
// The gateway's role may INSERT, so a second trigger admits only the chain's next link: seq exactly one past the
// last row (1 for the first), prev_hash the last row's hash (the genesis value for the first), and hash the
// SHA-256 the appender computes (auditRecord.ts), recomputed here from the row's own fields. Without it that role
// could plant a row at seq 0 (which a walk from row 1 never reads), beyond a gap, or with a hash that does not
// match, and verification, which reports such a row, would then be reporting the gateway's role rather than the
// owner tampering. It serialises on the appender's own advisory lock (re-entrant within a transaction), so a
// writer that bypasses the appender still queues behind it and reads the committed last row. It runs as the
// table's owner with a pinned search_path, so the inserting role's privileges and its own temporary tables (the
// classic SECURITY DEFINER hijack through pg_temp) change nothing.
//
// Only the fields the appender can write are admitted, and canonicalised exactly as canonicalJson does: a time to
// the millisecond in years 1 to 9999, detail a flat object of strings, booleans, nulls and safe integers whose keys
// have no character outside the Basic Multilingual Plane (where UTF-16 order, which JavaScript sorts keys by,
// differs from the code point order used here). storableAuditEntry.ts keeps every entry inside that domain.
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

CREATE OR REPLACE FUNCTION bleep_audit_next_link() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  last_seq bigint;
  last_hash text;
  bad_key text;
  canonical_detail text;
  canonical text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('bleep_audit_append'));
  SELECT seq, hash INTO last_seq, last_hash FROM bleep_audit ORDER BY seq DESC LIMIT 1;
  IF NEW.seq IS DISTINCT FROM coalesce(last_seq, 0) + 1 THEN
    RAISE EXCEPTION 'bleep_audit: row % refused, the next row is %', NEW.seq, coalesce(last_seq, 0) + 1
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.prev_hash IS DISTINCT FROM coalesce(last_hash, repeat('0', 64)) THEN
    RAISE EXCEPTION 'bleep_audit: row % refused, its prev_hash is not the hash of row %', NEW.seq, NEW.seq - 1
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.at < timestamptz '0001-01-01T00:00:00Z' OR NEW.at >= timestamptz '10000-01-01T00:00:00Z'
     OR NEW.at <> date_trunc('milliseconds', NEW.at) THEN
    RAISE EXCEPTION 'bleep_audit: row % refused, its time is not one the appender writes', NEW.seq
      USING ERRCODE = 'check_violation';
  END IF;
  IF jsonb_typeof(NEW.detail) IS DISTINCT FROM 'object' THEN
    RAISE EXCEPTION 'bleep_audit: row % refused, its detail is not an object', NEW.seq
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT key INTO bad_key FROM jsonb_each(NEW.detail)
  WHERE key ~ '[\\U00010000-\\U0010FFFF]'
     OR NOT CASE jsonb_typeof(value)
              WHEN 'number' THEN value::text ~ '^-?(0|[1-9][0-9]{0,15})$'
                                 AND abs(value::text::numeric) <= 9007199254740991
              ELSE jsonb_typeof(value) IN ('string', 'boolean', 'null')
            END
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'bleep_audit: row % refused, its detail holds a key or value the appender does not write',
      NEW.seq USING ERRCODE = 'check_violation';
  END IF;
  -- canonicalJson of the AuditRecord: keys in sorted order, no whitespace, strings escaped as JSON.stringify does.
  SELECT '{' || coalesce(string_agg(to_json(key)::text || ':' || value::text, ',' ORDER BY key COLLATE "C"), '')
         || '}'
    INTO canonical_detail FROM jsonb_each(NEW.detail);
  canonical := '{"action":' || to_json(NEW.action)::text
    || ',"actor":' || coalesce(to_json(NEW.actor)::text, 'null')
    || ',"at":"' || to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"'
    || ',"detail":' || canonical_detail
    || ',"device":' || coalesce(to_json(NEW.device)::text, 'null')
    || ',"result":' || to_json(NEW.result)::text
    || ',"room":' || coalesce(to_json(NEW.room)::text, 'null')
    || ',"seq":' || NEW.seq::text || '}';
  IF NEW.hash IS DISTINCT FROM encode(sha256(convert_to(NEW.prev_hash || E'\\n' || canonical, 'UTF8')), 'hex') THEN
    RAISE EXCEPTION 'bleep_audit: row % refused, its hash does not cover its fields', NEW.seq
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION bleep_audit_next_link() FROM PUBLIC;
-- The schema the table is in, and pg_temp last, so no role's own objects can stand in for the ones named above.
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION bleep_audit_next_link() SET search_path = pg_catalog, %I, pg_temp',
                 current_schema());
END $$;

DROP TRIGGER IF EXISTS bleep_audit_next_link ON bleep_audit;
CREATE TRIGGER bleep_audit_next_link BEFORE INSERT ON bleep_audit
  FOR EACH ROW EXECUTE FUNCTION bleep_audit_next_link();
`;

export async function migrateAuditSchema(pool: Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    // Two processes starting at once (gateway and CLI) must not race on CREATE OR REPLACE.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('bleep_audit_schema'))");
    await client.query(auditSchemaSql);
  });
}
