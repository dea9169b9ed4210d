// What the client expiry check reads: Synapse's devices (through the service's role, which may read only their
// ids and last use, and which users are admins), and from Bleep's database the enrolled desktops, who signed in
// on them, their latest expiry reports, and the warnings already given.
import type { Pool } from 'pg';
import type { EnrolledSession, StoredExpiryReport, SynapseDevice } from './judgeDevice.ts';

/**
 * Every session Synapse holds for a local user, but hidden devices (cross-signing keys, not sessions) and
 * administrators' (the services' own admin tokens, this one's included: signing those out would stop the trust's
 * own tooling, and no clinician works as an administrator).
 */
export async function listSynapseDevices(synapseDb: Pool): Promise<SynapseDevice[]> {
  const { rows } = await synapseDb.query<{ user_id: string; device_id: string; last_seen: string | null }>(
    `SELECT d.user_id, d.device_id, d.last_seen
     FROM devices d
     WHERE NOT coalesce(d.hidden, false)
       AND NOT EXISTS (SELECT 1 FROM users u WHERE u.name = d.user_id AND u.admin <> 0)
     ORDER BY d.user_id, d.device_id`,
  );
  return rows.map((row) => ({
    userId: row.user_id,
    deviceId: row.device_id,
    lastSeen: row.last_seen === null ? null : new Date(Number(row.last_seen)),
  }));
}

/**
 * When this check first found each session Synapse has never seen in use (its own devices have no last use to judge
 * by), by sessionKey: the ones new now are recorded as noticed now, and the records of sessions used or gone since
 * are dropped.
 */
export async function noticeUnusedSessions(
  bleepDb: Pool,
  devices: readonly SynapseDevice[],
  now: Date,
): Promise<Map<string, Date>> {
  const unused = devices.filter((device) => device.lastSeen === null);
  const userIds = unused.map((device) => device.userId);
  const deviceIds = unused.map((device) => device.deviceId);
  await bleepDb.query(
    `DELETE FROM bleep_unused_session s
     WHERE NOT EXISTS (SELECT 1 FROM unnest($1::text[], $2::text[]) AS u(user_id, device_id)
                       WHERE u.user_id = s.user_id AND u.device_id = s.device_id)`,
    [userIds, deviceIds],
  );
  await bleepDb.query(
    `INSERT INTO bleep_unused_session (user_id, device_id, noticed_at)
     SELECT user_id, device_id, $3 FROM unnest($1::text[], $2::text[]) AS u(user_id, device_id)
     ON CONFLICT DO NOTHING`,
    [userIds, deviceIds, now],
  );
  const { rows: noticed } = await bleepDb.query<{ user_id: string; device_id: string; noticed_at: Date }>(
    'SELECT user_id, device_id, noticed_at FROM bleep_unused_session',
  );
  return new Map(noticed.map((row) => [sessionKey(row.user_id, row.device_id), row.noticed_at]));
}

export function sessionKey(userId: string, deviceId: string): string {
  return `${userId}\u0000${deviceId}`;
}

/**
 * Sessions on desktops enrolled now (redeemed, not revoked), by sessionKey: every (user, device) that signed in
 * on one or reported from one.
 */
export async function listEnrolledSessions(bleepDb: Pool): Promise<Map<string, EnrolledSession>> {
  const { rows } = await bleepDb.query<{
    user_id: string;
    device_id: string;
    enrolled_at: Date;
    last_login_at: Date | null;
    oldest_ts: Date | null;
    swept_at: Date | null;
    received_at: Date | null;
  }>(
    `WITH pairs AS (
       SELECT user_id, device_id FROM bleep_device_login
       UNION SELECT user_id, device_id FROM bleep_expiry_report
     )
     SELECT p.user_id, p.device_id, e.enrolled_at, l.last_login_at, r.oldest_ts, r.swept_at, r.received_at
     FROM pairs p
     JOIN bleep_device_enrolment e ON e.device_id = p.device_id
     LEFT JOIN bleep_device_login l ON l.user_id = p.user_id AND l.device_id = p.device_id
     LEFT JOIN bleep_expiry_report r ON r.user_id = p.user_id AND r.device_id = p.device_id
     WHERE e.enrolled_at IS NOT NULL AND e.revoked_at IS NULL`,
  );
  const sessions = new Map<string, EnrolledSession>();
  for (const row of rows) {
    const report: StoredExpiryReport | null =
      row.received_at && row.swept_at
        ? { oldestTs: row.oldest_ts, sweptAt: row.swept_at, receivedAt: row.received_at }
        : null;
    sessions.set(sessionKey(row.user_id, row.device_id), {
      userId: row.user_id,
      deviceId: row.device_id,
      enrolledAt: row.enrolled_at,
      lastLoginAt: row.last_login_at,
      report,
    });
  }
  return sessions;
}

/** Desktops enrolled now, so a session Synapse holds on one that nobody recorded signing in on still counts. */
export async function listEnrolledDevices(bleepDb: Pool): Promise<Map<string, Date>> {
  const { rows } = await bleepDb.query<{ device_id: string; enrolled_at: Date }>(
    `SELECT device_id, enrolled_at FROM bleep_device_enrolment
     WHERE enrolled_at IS NOT NULL AND revoked_at IS NULL`,
  );
  return new Map(rows.map((row) => [row.device_id, row.enrolled_at]));
}

/** The latest deadline each session was warned about, by sessionKey. */
export async function latestWarnings(bleepDb: Pool): Promise<Map<string, Date>> {
  const { rows } = await bleepDb.query<{ user_id: string; device_id: string; due_at: Date }>(
    'SELECT user_id, device_id, max(due_at) AS due_at FROM bleep_expiry_warning GROUP BY user_id, device_id',
  );
  return new Map(rows.map((row) => [sessionKey(row.user_id, row.device_id), row.due_at]));
}

export async function recordWarning(
  bleepDb: Pool,
  warning: Readonly<{ userId: string; deviceId: string; dueAt: Date; warnedAt: Date; runId: number }>,
): Promise<void> {
  await bleepDb.query(
    `INSERT INTO bleep_expiry_warning (user_id, device_id, due_at, warned_at, run_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING`,
    [warning.userId, warning.deviceId, warning.dueAt, warning.warnedAt, warning.runId],
  );
}
