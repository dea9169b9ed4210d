// Runs against real PostgreSQL: a throwaway Synapse database (its devices and users tables, read through the
// service's role) and a throwaway Bleep database (enrolments, sign-ins and expiry reports as the gateway writes
// them, read through the service's role), the real hash-chained audit trail, and a stand-in for policy-module's
// signOutDevice that records whom it was asked to sign out and deletes the device as Synapse would.
import { createAuditLog, parsePolicy, type UserSignOut } from '@bleep/policy-module';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ThrowawayDatabase } from '../../../policy-module/src/database/throwawayDatabase.testkit.ts';
import { createBleepTestDatabase } from '../database/bleepTables.testkit.ts';
import { grantRetentionAccess } from '../database/retentionSchema.ts';
import { grantSynapseAccess } from '../database/synapseGrants.ts';
import { createSynapseTestDatabase, createTestRole } from '../database/synapseTables.testkit.ts';
import { createRetentionMetrics, type RetentionMetrics } from '../metrics/retentionMetrics.ts';
import { checkClientExpiry, type ClientExpirySummary } from './checkClientExpiry.ts';
import { readClientExpiryReport } from './clientExpiryReport.ts';

const policy = parsePolicy(
  {
    version: 1,
    trust: { name: 'Northgate', odsCode: 'RXA', serverName: 'trust-a.example' },
    federation: { partners: [] },
  },
  'inline',
);
const hour = 3_600_000;
const day = 24 * hour;

let synapse: ThrowawayDatabase;
let bleep: ThrowawayDatabase;
let roles: Awaited<ReturnType<typeof createTestRole>>[] = [];
let synapseAsService: pg.Pool;
let bleepAsService: pg.Pool;
let now: number;
let metrics: RetentionMetrics;
let signOutsAsked: string[];
let signOutAnswer: UserSignOut['outcome'];
let auditFrom = 0;
let devices = 0;

const ago = (ms: number) => new Date(now - ms);

function check(): Promise<ClientExpirySummary> {
  const clock = () => new Date(now);
  return checkClientExpiry(
    {
      synapseDb: synapseAsService,
      bleepDb: bleepAsService,
      limits: policy.retention,
      signOut: async (deviceId, userIds) => {
        const outcomes: UserSignOut[] = [];
        for (const userId of userIds) {
          signOutsAsked.push(`${userId} ${deviceId}`);
          if (signOutAnswer === 'failed') {
            outcomes.push({ userId, outcome: 'failed', reason: 'Synapse answered 500' });
            continue;
          }
          await synapse.pool.query('DELETE FROM devices WHERE user_id = $1 AND device_id = $2', [
            userId,
            deviceId,
          ]);
          outcomes.push({ userId, outcome: 'signed-out' });
        }
        return outcomes;
      },
      audit: createAuditLog({ pool: bleepAsService, clock }),
      metrics,
      log: pino({ level: 'silent' }),
      clock,
      withRetries: (_dependency, work) => work(),
    },
    7,
  );
}

/** A session Synapse holds: the user's device, last used `lastSeenAgo` ago (null: never). */
async function synapseSession(userId: string, deviceId: string, lastSeenAgo: number | null, admin = false) {
  await synapse.pool.query('INSERT INTO users (name, admin) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    userId,
    admin ? 1 : 0,
  ]);
  await synapse.pool.query('INSERT INTO devices (user_id, device_id, last_seen) VALUES ($1, $2, $3)', [
    userId,
    deviceId,
    lastSeenAgo === null ? null : now - lastSeenAgo,
  ]);
}

/** An enrolled desktop with a user signed in on it, as the gateway records them. */
async function enrolledSession(
  options: Readonly<{
    enrolledAgo?: number;
    loginAgo: number;
    report?: { receivedAgo: number; oldestAgo: number | null };
  }>,
): Promise<{ userId: string; deviceId: string }> {
  devices += 1;
  const deviceId = `WARD-PC-${devices}`;
  const userId = `@dr${devices}:trust-a.example`;
  await bleep.pool.query(
    `INSERT INTO bleep_device_enrolment (device_id, label, credential_hash, enrolled_at, created_by)
     VALUES ($1, 'Ward desktop', decode(repeat('00', 32), 'hex'), $2, 'it')`,
    [deviceId, ago(options.enrolledAgo ?? 30 * day)],
  );
  await bleep.pool.query(
    'INSERT INTO bleep_device_login (device_id, user_id, last_login_at) VALUES ($1, $2, $3)',
    [deviceId, userId, ago(options.loginAgo)],
  );
  if (options.report) {
    const { receivedAgo, oldestAgo } = options.report;
    await bleep.pool.query(
      `INSERT INTO bleep_expiry_report (user_id, device_id, oldest_ts, swept_at, received_at)
       VALUES ($1, $2, $3, $4, $4)`,
      [userId, deviceId, oldestAgo === null ? null : ago(oldestAgo), ago(receivedAgo)],
    );
  }
  await synapseSession(userId, deviceId, hour);
  return { userId, deviceId };
}

async function auditOf(deviceId: string): Promise<string[]> {
  const { rows } = await bleep.pool.query<{ action: string; result: string; reason: string | null }>(
    `SELECT action, result, detail->>'reason' AS reason FROM bleep_audit
     WHERE seq > $1 AND device = $2 ORDER BY seq`,
    [auditFrom, deviceId],
  );
  return rows.map((row) => `${row.action} ${row.result}${row.reason ? ` (${row.reason})` : ''}`);
}

beforeAll(async () => {
  synapse = await createSynapseTestDatabase();
  bleep = await createBleepTestDatabase();
  const purgeRole = await createTestRole(synapse, 'bleep_test_purge');
  const proofRole = await createTestRole(synapse, 'bleep_test_proof');
  const serviceRole = await createTestRole(bleep, 'bleep_test_retention');
  roles = [purgeRole, proofRole, serviceRole];
  await grantSynapseAccess(synapse.pool, { purgeRole: purgeRole.role, proofRole: proofRole.role });
  await grantRetentionAccess(bleep.pool, serviceRole.role);
  synapseAsService = new pg.Pool({ connectionString: purgeRole.url, max: 2 });
  bleepAsService = new pg.Pool({ connectionString: serviceRole.url, max: 2 });
});

afterAll(async () => {
  await synapseAsService.end();
  await bleepAsService.end();
  for (const role of roles) await role.drop();
  await synapse.drop();
  await bleep.drop();
});

beforeEach(async () => {
  now = Date.now();
  metrics = createRetentionMetrics();
  signOutsAsked = [];
  signOutAnswer = 'signed-out';
  await synapse.pool.query('TRUNCATE devices, users');
  await bleep.pool.query('TRUNCATE bleep_unused_session');
  const { rows } = await bleep.pool.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM bleep_audit');
  auditFrom = Number(rows[0]?.seq ?? 0);
});

describe('the client expiry check', () => {
  it('keeps a desktop that reported in time signed in, and audits nothing for it', async () => {
    const fresh = await enrolledSession({
      loginAgo: 60 * hour,
      report: { receivedAgo: hour, oldestAgo: 30 * day },
    });
    const summary = await check();
    expect(summary).toMatchObject({ sessions: 1, enrolled: 1, overdue: 0, warned: 0, failed: 0 });
    expect(signOutsAsked).toEqual([]);
    expect(await auditOf(fresh.deviceId)).toEqual([]);
  });

  it('warns an overdue desktop once per missed deadline, then signs it out after the grace', async () => {
    const overdue = await enrolledSession({ loginAgo: 25 * hour, enrolledAgo: 40 * day });
    expect(await check()).toMatchObject({ overdue: 1, warned: 1 });
    expect(await check()).toMatchObject({ overdue: 1, warned: 0 });
    expect(signOutsAsked).toEqual([]);
    expect(await auditOf(overdue.deviceId)).toEqual(['expiry.warning overdue']);

    now += 24 * hour;
    const summary = await check();
    expect(summary.signedOut).toEqual({ 'over-age': 0, overdue: 1, 'not-seen': 0 });
    expect(signOutsAsked).toEqual([`${overdue.userId} ${overdue.deviceId}`]);
    expect(await auditOf(overdue.deviceId)).toEqual([
      'expiry.warning overdue',
      'expiry.sign-out signed-out (overdue)',
    ]);
    // Signed out, it is no longer a session Synapse holds: the next check leaves it alone.
    expect(await check()).toMatchObject({ sessions: 0 });
    expect(signOutsAsked).toHaveLength(1);
    const counted = (await metrics.expirySignOuts.get()).values.find(
      (value) => value.labels.reason === 'overdue' && value.labels.outcome === 'signed-out',
    );
    expect(counted?.value).toBe(1);
  });

  it('signs out a desktop whose report showed content past clientDays (a sign-out the gateway could not make)', async () => {
    const overAge = await enrolledSession({
      loginAgo: 2 * hour,
      report: { receivedAgo: hour, oldestAgo: 91 * day },
    });
    const summary = await check();
    expect(summary.signedOut['over-age']).toBe(1);
    expect(await auditOf(overAge.deviceId)).toEqual(['expiry.sign-out signed-out (over-age)']);
  });

  it('signs out any session not seen for clientDays, but never an administrator nor one never used (yet)', async () => {
    await synapseSession('@gone:trust-a.example', 'OLD-LAPTOP', 91 * day);
    await synapseSession('@bleep-retention:trust-a.example', 'ADMIN', 200 * day, true);
    await synapseSession('@new:trust-a.example', 'NEVER-USED', null);
    await synapseSession('@recent:trust-a.example', 'RECENT', 89 * day);
    const summary = await check();
    expect(summary).toMatchObject({ sessions: 3, enrolled: 0 });
    expect(summary.signedOut['not-seen']).toBe(1);
    expect(signOutsAsked).toEqual(['@gone:trust-a.example OLD-LAPTOP']);
    expect(await auditOf('OLD-LAPTOP')).toEqual(['expiry.sign-out signed-out (not-seen)']);
  });

  it('signs out a session never used once clientDays have passed since a check first found it', async () => {
    await synapseSession('@new:trust-a.example', 'NEVER-USED', null);
    await synapseSession('@other:trust-a.example', 'USED-LATER', null);
    expect((await check()).signedOut['not-seen']).toBe(0);
    const { rows } = await bleep.pool.query<{ device_id: string; noticed_at: Date }>(
      'SELECT device_id, noticed_at FROM bleep_unused_session ORDER BY device_id',
    );
    expect(rows).toEqual([
      { device_id: 'NEVER-USED', noticed_at: new Date(now) },
      { device_id: 'USED-LATER', noticed_at: new Date(now) },
    ]);

    // One is used the next day: its record goes, and its last use counts from then on.
    now += day;
    await synapse.pool.query('UPDATE devices SET last_seen = $1 WHERE device_id = $2', [now, 'USED-LATER']);
    expect((await check()).signedOut['not-seen']).toBe(0);
    // The first finding stands at later checks (it is not moved on).
    now += 89 * day;
    expect((await check()).signedOut['not-seen']).toBe(0);
    now += 2 * day;
    await synapse.pool.query('UPDATE devices SET last_seen = $1 WHERE device_id = $2', [now, 'USED-LATER']);
    const summary = await check();
    expect(summary.signedOut['not-seen']).toBe(1);
    expect(signOutsAsked).toEqual(['@new:trust-a.example NEVER-USED']);
    expect(await auditOf('NEVER-USED')).toEqual(['expiry.sign-out signed-out (not-seen)']);
    // Gone from Synapse, gone from the record.
    await check();
    const left = await bleep.pool.query('SELECT device_id FROM bleep_unused_session');
    expect(left.rows).toEqual([]);
  });

  it('audits and counts a sign-out Synapse did not make, and tries again at the next check', async () => {
    const overdue = await enrolledSession({ loginAgo: 50 * hour });
    signOutAnswer = 'failed';
    expect(await check()).toMatchObject({
      failed: 1,
      failures: [{ userId: overdue.userId, deviceId: overdue.deviceId, reason: 'Synapse answered 500' }],
    });
    expect(await auditOf(overdue.deviceId)).toEqual([
      'expiry.sign-out failed: Synapse answered 500 (overdue)',
    ]);
    signOutAnswer = 'signed-out';
    expect((await check()).signedOut.overdue).toBe(1);
  });

  it("lists each enrolled desktop's last report and state, and the warnings and sign-outs, in the report", async () => {
    const fresh = await enrolledSession({
      loginAgo: 60 * hour,
      report: { receivedAgo: hour, oldestAgo: 30 * day },
    });
    const overdue = await enrolledSession({ loginAgo: 25 * hour });
    const signedOutLately = await enrolledSession({ loginAgo: 3 * day, enrolledAgo: 3 * day });
    const signedOutLongAgo = await enrolledSession({ loginAgo: 120 * day, enrolledAgo: 200 * day });
    for (const gone of [signedOutLately, signedOutLongAgo]) {
      await synapse.pool.query('DELETE FROM devices WHERE device_id = $1', [gone.deviceId]);
    }
    await check();
    const report = await readClientExpiryReport({
      synapseDb: synapseAsService,
      bleepDb: bleepAsService,
      limits: policy.retention,
      clock: () => new Date(now),
    });
    expect(report).toMatchObject({ reportHours: 24, graceHours: 24, clientDays: 90 });
    const byDevice = new Map(report.desktops.map((desktop) => [desktop.deviceId, desktop]));
    expect(byDevice.get(fresh.deviceId)).toMatchObject({
      userId: fresh.userId,
      label: 'Ward desktop',
      state: 'on-time',
      lastReport: { receivedAt: ago(hour).toISOString(), oldestTs: ago(30 * day).toISOString() },
      nextReportDue: new Date(now + 23 * hour).toISOString(),
    });
    expect(byDevice.get(overdue.deviceId)).toMatchObject({ state: 'overdue', lastReport: null });
    expect(byDevice.get(signedOutLately.deviceId)).toMatchObject({ state: 'signed-out' });
    expect(byDevice.has(signedOutLongAgo.deviceId)).toBe(false);
    expect(report.events[0]).toMatchObject({
      action: 'expiry.warning',
      userId: overdue.userId,
      deviceId: overdue.deviceId,
      by: 'retention',
    });
  });

  it("reads nothing it may not: the service's role cannot see credentials nor write reports", async () => {
    await expect(bleepAsService.query('SELECT credential_hash FROM bleep_device_enrolment')).rejects.toThrow(
      /permission denied/,
    );
    await expect(bleepAsService.query('DELETE FROM bleep_expiry_report')).rejects.toThrow(
      /permission denied/,
    );
    await expect(synapseAsService.query('SELECT ip, user_agent FROM devices')).rejects.toThrow(
      /permission denied/,
    );
    await expect(synapseAsService.query('SELECT password_hash FROM users')).rejects.toThrow(
      /permission denied/,
    );
  });
});
