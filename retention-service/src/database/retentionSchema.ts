// The retention service's tables in the trust's Bleep database, and what the service's role may do with them. Made
// by the database's owner in a deploy step (`bleep-retention migrate`, after `bleep-policy migrate`, whose audit
// trail the service appends to), never by the service: its role records runs and findings and may not rewrite a
// finished run's record, delete one, or touch the audit trail beyond appending.
import type { Pool } from 'pg';
import {
  auditTables,
  BleepSchemaError,
  enrolmentTables,
  expiryTables,
  requireTables,
} from '@bleep/policy-module';
import {
  heldRoomReadSql,
  heldRoomView,
  legalHoldGrantsSql,
  legalHoldSchemaSql,
  legalHoldTables,
} from './legalHoldSchema.ts';

export const retentionTables = [
  'bleep_retention_run',
  'bleep_retention_room',
  'bleep_retention_finding',
  'bleep_retention_failure',
  'bleep_retention_stream_mark',
  'bleep_expiry_warning',
  'bleep_unused_session',
  'bleep_room_purge',
  ...legalHoldTables,
] as const;

const retentionSchemaSql = `
CREATE TABLE IF NOT EXISTS bleep_retention_run (
  id             bigserial PRIMARY KEY,
  trigger        text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  started_at     timestamptz NOT NULL,
  finished_at    timestamptz,
  window_seconds bigint NOT NULL,
  window_source  text NOT NULL CHECK (window_source IN ('policy', 'override')),
  cutoff         timestamptz NOT NULL,
  proof_horizon  timestamptz NOT NULL,
  status         text NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'interrupted')),
  purged         jsonb NOT NULL DEFAULT '{}'::jsonb,
  proof_ran      boolean NOT NULL DEFAULT false,
  finding_count  integer NOT NULL DEFAULT 0,
  failure_count  integer NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS bleep_retention_run_started ON bleep_retention_run (started_at);
CREATE INDEX IF NOT EXISTS bleep_retention_run_running ON bleep_retention_run (id) WHERE status = 'running';

-- Only rooms where the run did something, or failed: a quiet room every ten minutes would be noise.
CREATE TABLE IF NOT EXISTS bleep_retention_room (
  run_id          bigint NOT NULL REFERENCES bleep_retention_run (id),
  room_id         text NOT NULL,
  outcome         text NOT NULL,
  events_purged   integer NOT NULL DEFAULT 0,
  redactions_sent integer NOT NULL DEFAULT 0,
  note            text,
  PRIMARY KEY (run_id, room_id)
);

CREATE TABLE IF NOT EXISTS bleep_retention_finding (
  run_id  bigint NOT NULL REFERENCES bleep_retention_run (id),
  kind    text NOT NULL,
  room_id text,
  count   bigint NOT NULL,
  oldest  timestamptz
);
CREATE INDEX IF NOT EXISTS bleep_retention_finding_run ON bleep_retention_finding (run_id);

CREATE TABLE IF NOT EXISTS bleep_retention_failure (
  run_id  bigint NOT NULL REFERENCES bleep_retention_run (id),
  at      timestamptz NOT NULL,
  step    text NOT NULL,
  room_id text,
  code    text NOT NULL,
  message text NOT NULL
);
CREATE INDEX IF NOT EXISTS bleep_retention_failure_run ON bleep_retention_failure (run_id);

-- Synapse's device_inbox has no timestamp: these say where its stream stood when.
CREATE TABLE IF NOT EXISTS bleep_retention_stream_mark (
  stream   text NOT NULL,
  at       timestamptz NOT NULL,
  position bigint NOT NULL,
  PRIMARY KEY (stream, at)
);

-- An information-governance officer's purge of one room now (purge-room), after a data incident: who, why, what.
CREATE TABLE IF NOT EXISTS bleep_room_purge (
  id         bigserial PRIMARY KEY,
  room_id    text NOT NULL,
  at         timestamptz NOT NULL,
  purged_by  text NOT NULL,
  reason     text NOT NULL,
  reference  text NOT NULL,
  cutoff     timestamptz NOT NULL,
  outcome    text NOT NULL,
  counts     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX IF NOT EXISTS bleep_room_purge_at ON bleep_room_purge (at);

-- Client expiry warnings given: one per session and missed deadline, so an overdue desktop is warned (and audited)
-- once, not at every run.
CREATE TABLE IF NOT EXISTS bleep_expiry_warning (
  user_id   text NOT NULL,
  device_id text NOT NULL,
  due_at    timestamptz NOT NULL,
  warned_at timestamptz NOT NULL,
  run_id    bigint,
  PRIMARY KEY (user_id, device_id, due_at)
);

-- Sessions Synapse holds but has never seen in use (devices.last_seen is null: a token issued and never used), with
-- when the client expiry check first found each: it judges them unseen from then, as it judges others from their last
-- use. A row goes once the session is used or gone.
CREATE TABLE IF NOT EXISTS bleep_unused_session (
  user_id    text NOT NULL,
  device_id  text NOT NULL,
  noticed_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, device_id)
);

-- A run's record is written while it runs and closed once: afterwards it is history.
CREATE OR REPLACE FUNCTION bleep_retention_run_closed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'running' THEN
    RAISE EXCEPTION 'retention run % is closed (%)', OLD.id, OLD.status USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS bleep_retention_run_closed ON bleep_retention_run;
CREATE TRIGGER bleep_retention_run_closed BEFORE UPDATE ON bleep_retention_run
  FOR EACH ROW EXECUTE FUNCTION bleep_retention_run_closed();
`;

/** Creates or updates the retention tables. Run as the database's owner, after policy-module's migration. */
export async function migrateRetentionSchema(pool: Pool): Promise<void> {
  await requireTables(pool, [...auditTables, ...enrolmentTables, ...expiryTables]);
  await pool.query(retentionSchemaSql);
  await pool.query(legalHoldSchemaSql);
}

function roleIdentifier(role: string): string {
  // Role names come from deploy configuration; anything but a plain identifier is refused, not quoted.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new BleepSchemaError(`not a plain role name: "${role}"`);
  return role;
}

/**
 * What the service's role needs in Bleep's database, and no more: record runs (insert, and update a run while it is
 * running), rooms, findings and failures (insert only), keep its stream marks (and prune old ones), record room
 * purges, place, resolve and release legal holds (never delete or rewrite one), and read and append the audit trail.
 */
export async function grantRetentionAccess(pool: Pool, role: string): Promise<void> {
  const id = roleIdentifier(role);
  await pool.query(`
    REVOKE ALL ON ${retentionTables.join(', ')}, bleep_retention_run_id_seq, bleep_room_purge_id_seq FROM ${id};
    REVOKE ALL ON ${auditTables.join(', ')} FROM ${id};
    REVOKE ALL ON ${[...enrolmentTables, ...expiryTables].join(', ')} FROM ${id};
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    GRANT USAGE ON SCHEMA public TO ${id};
    GRANT SELECT, INSERT, UPDATE ON bleep_retention_run TO ${id};
    GRANT USAGE ON SEQUENCE bleep_retention_run_id_seq TO ${id};
    GRANT SELECT, INSERT ON bleep_retention_room, bleep_retention_finding, bleep_retention_failure TO ${id};
    GRANT SELECT, INSERT, DELETE ON bleep_retention_stream_mark TO ${id};
    GRANT SELECT, INSERT ON bleep_room_purge TO ${id};
    GRANT USAGE ON SEQUENCE bleep_room_purge_id_seq TO ${id};
    GRANT SELECT, INSERT ON ${auditTables.join(', ')} TO ${id};
    -- The client expiry check: its warnings; enrolled desktops (never their codes or credentials), who signed in
    -- on them and their expiry reports, read only.
    GRANT SELECT, INSERT ON bleep_expiry_warning TO ${id};
    GRANT SELECT, INSERT, DELETE ON bleep_unused_session TO ${id};
    GRANT SELECT (device_id, label, enrolled_at, revoked_at) ON bleep_device_enrolment TO ${id};
    GRANT SELECT ON bleep_device_login, ${expiryTables.join(', ')} TO ${id};
    ${legalHoldGrantsSql(id)}
  `);
}

/**
 * The gateway's role may read which rooms are held (GET /_bleep/legal-holds tells a client which of its rooms to
 * keep past retention.clientDays): SELECT on the view of held room ids, nothing about the holds themselves.
 */
export async function grantHeldRoomRead(pool: Pool, role: string): Promise<void> {
  const id = roleIdentifier(role);
  await pool.query(`GRANT USAGE ON SCHEMA public TO ${id}; ${heldRoomReadSql(id)}`);
}

export { heldRoomView };

/** Throws a BleepSchemaError naming the missing tables and the deploy step that makes them. */
export async function requireRetentionTables(pool: Pool): Promise<void> {
  await requireTables(pool, auditTables);
  const { rows } = await pool.query<{ name: string }>(
    'SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL',
    [retentionTables],
  );
  if (rows.length > 0) {
    throw new BleepSchemaError(
      `Bleep's database has no ${rows.map((row) => row.name).join(', ')}: run \`bleep-retention migrate\` as the database's owner first`,
    );
  }
}
