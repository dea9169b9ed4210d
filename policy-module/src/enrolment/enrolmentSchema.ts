// The device enrolment tables in the trust's Bleep database. Idempotent, so the gateway and the bleep-policy
// command can both apply it on start and whichever runs first creates the tables.
//
// Every change to an enrolment (issue, redeem, revoke, by any path, the CLI or hand-written SQL) sends a NOTIFY
// naming the device, from a trigger, so in the same transaction: PostgreSQL delivers it only once the change is
// committed, and the gateway's deviceStatusWatch.ts stops a revoked device's sessions at once rather than at its
// next full reload. A TRUNCATE sends an empty payload: reload everything.
import type { Pool } from 'pg';
import { inTransaction } from '../database/inTransaction.ts';

/**
 * No two stored codes are equal, so a code alone finds its device (a person types only the code). Expired codes
 * count too: one stays in its row until replaced, and the lookup by code must find one row at most.
 */
export const liveCodeIndex = 'bleep_device_enrolment_code_hash';

/** The LISTEN/NOTIFY channel; the payload is the changed device's ID, or '' when every enrolment may have changed. */
export const deviceStatusChannel = 'bleep_device_status';

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

CREATE UNIQUE INDEX IF NOT EXISTS ${liveCodeIndex} ON bleep_device_enrolment (code_hash)
  WHERE code_hash IS NOT NULL;

-- Who signed in on which enrolled device, so a revocation knows whose Synapse sessions to end.
CREATE TABLE IF NOT EXISTS bleep_device_login (
  device_id text NOT NULL,
  user_id text NOT NULL,
  last_login_at timestamptz NOT NULL,
  PRIMARY KEY (device_id, user_id)
);

CREATE OR REPLACE FUNCTION bleep_device_enrolment_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    PERFORM pg_notify('${deviceStatusChannel}', '');
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('${deviceStatusChannel}', OLD.device_id);
  ELSE
    PERFORM pg_notify('${deviceStatusChannel}', NEW.device_id);
    IF TG_OP = 'UPDATE' AND OLD.device_id IS DISTINCT FROM NEW.device_id THEN
      PERFORM pg_notify('${deviceStatusChannel}', OLD.device_id);
    END IF;
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS bleep_device_enrolment_notify ON bleep_device_enrolment;
CREATE TRIGGER bleep_device_enrolment_notify AFTER INSERT OR UPDATE OR DELETE ON bleep_device_enrolment
  FOR EACH ROW EXECUTE FUNCTION bleep_device_enrolment_notify();
DROP TRIGGER IF EXISTS bleep_device_enrolment_notify_truncate ON bleep_device_enrolment;
CREATE TRIGGER bleep_device_enrolment_notify_truncate AFTER TRUNCATE ON bleep_device_enrolment
  FOR EACH STATEMENT EXECUTE FUNCTION bleep_device_enrolment_notify();
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
