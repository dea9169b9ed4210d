// Runs against real PostgreSQL: a throwaway Synapse database (read and purged through the service's and the
// proof's own roles), a throwaway Bleep database (through the service's role), the stand-in admin API, and the
// real hash-chained audit trail.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicy, verifyAuditChain, createAuditLog } from '@bleep/policy-module';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ThrowawayDatabase } from '../../../policy-module/src/database/throwawayDatabase.testkit.ts';
import { createBleepTestDatabase } from '../database/bleepTables.testkit.ts';
import { grantRetentionAccess } from '../database/retentionSchema.ts';
import { grantSynapseAccess } from '../database/synapseGrants.ts';
import {
  createSynapseTestDatabase,
  createTestRole,
  insertEvent,
  insertLocalMember,
} from '../database/synapseTables.testkit.ts';
import { createRetentionMetrics, type RetentionMetrics } from '../metrics/retentionMetrics.ts';
import {
  createSynapseAdminStandIn,
  type SynapseAdminStandIn,
} from '../synapse/synapseAdminStandIn.testkit.ts';
import { createRetentionRunner, type RetentionRunner } from './retentionRun.ts';

const policy = parsePolicy(
  {
    version: 1,
    trust: { name: 'Northgate', odsCode: 'RXA', serverName: 'trust-a.example' },
    federation: { partners: [] },
    retention: { serverHours: 72 },
  },
  'inline',
);
const alice = '@alice:trust-a.example';
const hour = 3600_000;

let synapse: ThrowawayDatabase;
let bleep: ThrowawayDatabase;
let roles: Awaited<ReturnType<typeof createTestRole>>[] = [];
let pools: pg.Pool[] = [];
let mediaStore: string;
let now: number;
let admin: SynapseAdminStandIn;
let metrics: RetentionMetrics;
let rooms = 0;
let auditFrom = 0;

function runner(): RetentionRunner {
  const [purgeDb, proofDb, bleepDb] = pools as [pg.Pool, pg.Pool, pg.Pool];
  const clock = () => new Date(now);
  return createRetentionRunner({
    policy,
    synapseDb: purgeDb,
    proofDb,
    bleepDb,
    admin,
    audit: createAuditLog({ pool: bleepDb, clock }),
    metrics,
    log: pino({ level: 'silent' }),
    clock,
    sleep: () => Promise.resolve(),
    mediaStorePath: mediaStore,
    settings: {
      intervalSeconds: 600,
      roomConcurrency: 2,
      spreadSeconds: 0,
      retryAttempts: 2,
      retryBaseMs: 1,
      purgeTimeoutMs: 1000,
      purgePollMs: 1,
      lockWaitMs: 0,
    },
  });
}

/** A room with one message from alice received `ageMs` ago and one received just now. */
async function roomWithMessages(ageMs: number): Promise<{ roomId: string; old: string; recent: string }> {
  rooms += 1;
  const roomId = `!room${rooms}:trust-a.example`;
  const join = await insertEvent(synapse, {
    roomId,
    type: 'm.room.member',
    sender: alice,
    depth: 1,
    receivedTs: now - ageMs,
    content: { membership: 'join' },
    stateKey: alice,
  });
  await insertLocalMember(synapse, roomId, alice, join);
  await synapse.pool.query(
    `INSERT INTO rooms (room_id, is_public, creator, room_version) VALUES ($1, false, $2, '11')`,
    [roomId, alice],
  );
  const old = await insertEvent(synapse, {
    roomId,
    type: 'm.room.encrypted',
    sender: alice,
    depth: 2,
    receivedTs: now - ageMs,
    content: { ciphertext: 'old' },
  });
  const recent = await insertEvent(synapse, {
    roomId,
    type: 'm.room.encrypted',
    sender: alice,
    depth: 3,
    receivedTs: now,
    content: { ciphertext: 'new' },
  });
  return { roomId, old, recent };
}

async function held(eventId: string): Promise<boolean> {
  const { rowCount } = await synapse.pool.query('SELECT 1 FROM event_json WHERE event_id = $1', [eventId]);
  return rowCount === 1;
}

async function auditActions(): Promise<string[]> {
  const { rows } = await bleep.pool.query<{ action: string; result: string }>(
    'SELECT action, result FROM bleep_audit WHERE seq > $1 ORDER BY seq',
    [auditFrom],
  );
  return rows.map((row) => `${row.action} ${row.result}`);
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
  pools = roles.map((role) => new pg.Pool({ connectionString: role.url, max: 4 }));
  mediaStore = await mkdtemp(join(tmpdir(), 'bleep-media-'));
});

afterAll(async () => {
  for (const pool of pools) await pool.end();
  await rm(mediaStore, { recursive: true, force: true });
  for (const role of roles) await role.drop();
  await synapse.drop();
  await bleep.drop();
});

beforeEach(async () => {
  now = Date.now();
  admin = createSynapseAdminStandIn(synapse, () => new Date(now));
  metrics = createRetentionMetrics();
  // The audit trail refuses to be emptied: each test reads only what it appended.
  const { rows } = await bleep.pool.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM bleep_audit');
  auditFrom = Number(rows[0]?.seq ?? 0);
});

describe('a retention run', () => {
  it('purges what is past the window, keeps the rest, proves it clean and records it in a chain that verifies', async () => {
    const expired = await roomWithMessages(73 * hour);
    const young = await roomWithMessages(71 * hour);

    const summary = await runner().run({ trigger: 'schedule' });

    expect(summary).toMatchObject({
      status: 'complete',
      clean: true,
      proofRan: true,
      findings: [],
      failures: [],
    });
    expect(summary.purged.events).toBe(1);
    expect(await held(expired.old)).toBe(false);
    expect(await held(expired.recent)).toBe(true);
    expect(await held(young.old)).toBe(true);
    const { rows } = await bleep.pool.query<{ status: string; purged: { events: number } }>(
      'SELECT status, purged FROM bleep_retention_run WHERE id = $1',
      [summary.runId],
    );
    expect(rows[0]).toMatchObject({ status: 'complete', purged: { events: 1 } });
    expect(await auditActions()).toEqual(['retention.run clean']);
    expect((await verifyAuditChain(bleep.pool)).ok).toBe(true);
  });

  it('a test override purges what is seconds old, and its proof checks its own cutoff', async () => {
    const room = await roomWithMessages(30_000);
    const summary = await runner().run({ trigger: 'manual', olderThanSeconds: 10 });
    expect(summary).toMatchObject({ clean: true, window: { windowSource: 'override', windowSeconds: 10 } });
    expect(await held(room.old)).toBe(false);
  });

  it('makes a finding an alert: recorded with the run, in the audit trail and in the metrics', async () => {
    // A partner's event level with a new one, which no local member may erase: it outlives the run.
    const roomId = '!stuck:trust-a.example';
    await synapse.pool.query(
      `INSERT INTO rooms (room_id, is_public, creator, room_version) VALUES ($1, false, '@bob:b', '11')`,
      [roomId],
    );
    await insertEvent(synapse, {
      roomId,
      type: 'm.room.encrypted',
      sender: '@bob:trust-b.example',
      depth: 5,
      receivedTs: now - 80 * hour,
      content: { ciphertext: 'x' },
    });
    await insertEvent(synapse, {
      roomId,
      type: 'm.room.encrypted',
      sender: '@bob:trust-b.example',
      depth: 5,
      receivedTs: now,
      content: { ciphertext: 'y' },
    });

    const summary = await runner().run({ trigger: 'schedule' });

    expect(summary.clean).toBe(false);
    expect(summary.rooms.waitingForPartner).toBe(1);
    expect(summary.findings).toEqual([
      { kind: 'event-content', roomId, count: 1, oldest: new Date(now - 80 * hour) },
    ]);
    const { rows } = await bleep.pool.query(
      'SELECT kind, room_id, count FROM bleep_retention_finding WHERE run_id = $1',
      [summary.runId],
    );
    expect(rows).toEqual([{ kind: 'event-content', room_id: roomId, count: '1' }]);
    expect(await auditActions()).toEqual(['retention.run findings', 'retention.finding alert']);
    expect(await metrics.registry.getSingleMetricAsString('bleep_retention_findings')).toContain(
      'bleep_retention_findings{kind="event-content"} 1',
    );
    await synapse.pool.query('DELETE FROM events WHERE room_id = $1', [roomId]);
    await synapse.pool.query('DELETE FROM event_json WHERE room_id = $1', [roomId]);
  });

  it('fails visibly while Synapse is down, and the next run finishes the purge', async () => {
    const room = await roomWithMessages(80 * hour);
    admin.down.value = true;

    const failed = await runner().run({ trigger: 'schedule' });
    expect(failed).toMatchObject({ status: 'failed', clean: false });
    expect(failed.failures.map((failure) => [failure.step, failure.code])).toContainEqual([
      'room',
      'SYNAPSE_UNREACHABLE',
    ]);
    expect(await held(room.old)).toBe(true);
    expect(await metrics.registry.getSingleMetricAsString('bleep_retention_dependency_up')).toContain(
      'bleep_retention_dependency_up{dependency="synapse"} 0',
    );
    expect(await auditActions()).toContain('retention.failure error');

    admin.down.value = false;
    const recovered = await runner().run({ trigger: 'schedule' });
    expect(recovered).toMatchObject({ status: 'complete', clean: true });
    expect(await held(room.old)).toBe(false);
  });

  it('never runs twice at once, and closes a run that was killed halfway', async () => {
    const bleepDb = pools[2] as pg.Pool;
    const holder = await bleepDb.connect();
    await holder.query("SELECT pg_advisory_lock(hashtext('bleep_retention_run'))");
    const skipped = await runner().run({ trigger: 'schedule' });
    expect(skipped).toMatchObject({
      status: 'skipped',
      skippedBecause: 'another-run-holds-the-lock',
      runId: null,
    });
    // The holder dies mid-run: its record stays 'running', and its lock goes with its connection.
    await holder.query(
      `INSERT INTO bleep_retention_run (trigger, started_at, window_seconds, window_source, cutoff, proof_horizon, status)
       VALUES ('schedule', now(), 1, 'policy', now(), now(), 'running')`,
    );
    holder.release(new Error('killed'));
    const probe = await bleep.pool.connect();
    await expect
      .poll(async () => {
        const { rows } = await probe.query<{ free: boolean }>(
          "SELECT pg_try_advisory_lock(hashtext('bleep_retention_run')) AS free",
        );
        if (rows[0]?.free) await probe.query("SELECT pg_advisory_unlock(hashtext('bleep_retention_run'))");
        return rows[0]?.free;
      })
      .toBe(true);
    probe.release();

    const next = await runner().run({ trigger: 'schedule' });
    expect(next.status).toBe('complete');
    const { rows } = await bleep.pool.query<{ status: string }>(
      `SELECT status FROM bleep_retention_run WHERE status IN ('running', 'interrupted')`,
    );
    expect(rows.map((row) => row.status)).toEqual(['interrupted']);
    expect(await auditActions()).toEqual(['retention.run interrupted', 'retention.run clean']);
  });
});
