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
import { createLegalHoldStore } from '../hold/legalHoldStore.ts';
import { createLegalHolds } from '../hold/legalHolds.ts';
import { createRetentionMetrics, type RetentionMetrics } from '../metrics/retentionMetrics.ts';
import type { SynapseAdmin } from '../synapse/synapseAdmin.ts';
import {
  createSynapseAdminStandIn,
  type SynapseAdminStandIn,
} from '../synapse/synapseAdminStandIn.testkit.ts';
import { createRetentionRunner, type RetentionRunner, type RetentionRunnerDeps } from './retentionRun.ts';

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

function holds() {
  const [purgeDb, , bleepDb] = pools as [pg.Pool, pg.Pool, pg.Pool];
  const clock = () => new Date(now);
  return createLegalHolds({
    store: createLegalHoldStore(bleepDb),
    synapseDb: purgeDb,
    audit: createAuditLog({ pool: bleepDb, clock }),
    clock,
    log: pino({ level: 'silent' }),
  });
}

function runner(
  extra: Partial<Pick<RetentionRunnerDeps, 'clientExpiry' | 'admin' | 'log'>> = {},
): RetentionRunner {
  const [purgeDb, proofDb, bleepDb] = pools as [pg.Pool, pg.Pool, pg.Pool];
  const clock = () => new Date(now);
  return createRetentionRunner({
    policy,
    synapseDb: purgeDb,
    proofDb,
    bleepDb,
    admin,
    audit: createAuditLog({ pool: bleepDb, clock }),
    holds: holds(),
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
    ...extra,
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

  it('runs the client expiry check under its lock, and a sign-out Synapse did not make fails the run', async () => {
    const checkedFor: number[] = [];
    const summary = await runner({
      clientExpiry: (runId) => {
        checkedFor.push(runId);
        return Promise.resolve({
          sessions: 2,
          enrolled: 2,
          overdue: 0,
          warned: 0,
          signedOut: { 'over-age': 0, overdue: 1, 'not-seen': 0 },
          failed: 1,
          failures: [{ userId: alice, deviceId: 'WARD-PC', reason: 'Synapse answered 500' }],
        });
      },
    }).run({ trigger: 'schedule' });
    expect(checkedFor).toEqual([summary.runId]);
    expect(summary).toMatchObject({ status: 'failed', clean: false, clientExpiry: { failed: 1 } });
    expect(summary.failures).toContainEqual({
      step: 'client-expiry',
      roomId: null,
      code: 'SIGN_OUT_FAILED',
      message: `${alice} on WARD-PC: Synapse answered 500`,
    });
    expect(await auditActions()).toContain('retention.failure error');
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

  it('fails loudly when Synapse refuses its admin token: one error line, the metric, the run failed on record; the next run with a working token purges', async () => {
    const room = await roomWithMessages(80 * hour);
    admin.adminTokenRevoked.value = true;
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });

    const failed = await runner({ log }).run({ trigger: 'schedule' });

    expect(failed).toMatchObject({ status: 'failed', clean: false });
    expect(failed.failures.map((failure) => [failure.step, failure.code])).toEqual([
      ['synapse-admin-token', 'SYNAPSE_ADMIN_TOKEN_REJECTED'],
    ]);
    // Not tried room by room with a token Synapse refuses: nothing was asked of it after the check.
    expect(admin.calls.map((call) => call.method)).toEqual(['verifyAdminToken']);
    expect(await held(room.old)).toBe(true);
    const errors = lines.map((line) => JSON.parse(line) as { level: number; msg: string; code?: string });
    expect(errors.filter((line) => line.level >= 50)).toEqual([
      expect.objectContaining({
        code: 'SYNAPSE_ADMIN_TOKEN_REJECTED',
        msg: expect.stringContaining('until SYNAPSE_ADMIN_TOKEN is replaced') as unknown,
      }),
    ]);
    expect(
      await metrics.registry.getSingleMetricAsString('bleep_retention_synapse_admin_token_valid'),
    ).toContain('bleep_retention_synapse_admin_token_valid 0');
    expect(await metrics.registry.getSingleMetricAsString('bleep_retention_failures_total')).toContain(
      'bleep_retention_failures_total{step="synapse-admin-token"} 1',
    );
    const { rows } = await bleep.pool.query<{ status: string }>(
      'SELECT status FROM bleep_retention_run WHERE id = $1',
      [failed.runId],
    );
    expect(rows).toEqual([{ status: 'failed' }]);
    const { rows: audited } = await bleep.pool.query<{ action: string; result: string; detail: unknown }>(
      'SELECT action, result, detail FROM bleep_audit WHERE seq > $1 ORDER BY seq',
      [auditFrom],
    );
    expect(audited).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'retention.run', result: 'failed' }),
        expect.objectContaining({
          action: 'retention.failure',
          detail: expect.objectContaining({
            step: 'synapse-admin-token',
            code: 'SYNAPSE_ADMIN_TOKEN_REJECTED',
          }) as unknown,
        }),
      ]),
    );

    // Trust IT mints a new token; the next run (the scheduler retries a failed one) purges.
    admin.adminTokenRevoked.value = false;
    const recovered = await runner().run({ trigger: 'schedule' });
    expect(recovered).toMatchObject({ status: 'complete', clean: true });
    expect(await held(room.old)).toBe(false);
    expect(
      await metrics.registry.getSingleMetricAsString('bleep_retention_synapse_admin_token_valid'),
    ).toContain('bleep_retention_synapse_admin_token_valid 1');
  });

  it('says so once when the admin token is revoked during a run, and leaves the room for the next', async () => {
    const room = await roomWithMessages(80 * hour);
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const revokedAfterCheck: SynapseAdmin = {
      ...admin,
      verifyAdminToken: async () => {
        await admin.verifyAdminToken();
        admin.adminTokenRevoked.value = true;
      },
    };

    const failed = await runner({ admin: revokedAfterCheck, log }).run({ trigger: 'schedule' });

    expect(failed.status).toBe('failed');
    expect(failed.failures).toContainEqual(
      expect.objectContaining({ step: 'room', roomId: room.roomId, code: 'SYNAPSE_ADMIN_TOKEN_REJECTED' }),
    );
    expect(await held(room.old)).toBe(true);
    const errors = lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('SYNAPSE_ADMIN_TOKEN_REJECTED');
    expect(
      await metrics.registry.getSingleMetricAsString('bleep_retention_synapse_admin_token_valid'),
    ).toContain('bleep_retention_synapse_admin_token_valid 0');
    admin.adminTokenRevoked.value = false;
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

async function searchRow(eventId: string, roomId: string, ts: number): Promise<void> {
  await synapse.pool.query(
    `INSERT INTO event_search (event_id, room_id, sender, key, origin_server_ts) VALUES ($1, $2, $3, 'content.body', $4)`,
    [eventId, roomId, alice, ts],
  );
}

async function searchRows(roomId: string): Promise<number> {
  const { rows } = await synapse.pool.query<{ count: string }>(
    'SELECT count(*) AS count FROM event_search WHERE room_id = $1',
    [roomId],
  );
  return Number(rows[0]?.count);
}

async function upload(mediaId: string, userId: string, createdTs: number): Promise<void> {
  await synapse.pool.query(
    `INSERT INTO local_media_repository (media_id, media_type, media_length, created_ts, user_id)
     VALUES ($1, 'application/octet-stream', 10, $2, $3)`,
    [mediaId, createdTs, userId],
  );
}

async function mediaHeld(mediaId: string): Promise<boolean> {
  const { rowCount } = await synapse.pool.query('SELECT 1 FROM local_media_repository WHERE media_id = $1', [
    mediaId,
  ]);
  return rowCount === 1;
}

const officer = { reason: 'Subject access request', reference: 'SAR-2026-041', by: 'ig.officer' };

/** Sessions in the test databases waiting for a lock of the kind (advisory: the legal-hold gate; relation: a table). */
async function waitingFor(locktype: 'advisory' | 'relation'): Promise<number> {
  const { rows } = await bleep.pool.query<{ count: string }>(
    'SELECT count(*) AS count FROM pg_locks WHERE NOT granted AND locktype = $1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())',
    [locktype],
  );
  return Number(rows[0]?.count ?? 0);
}

/** A promise, and whether it has settled yet (a step that should wait, but finished, is seen at once). */
function settling<T>(promise: Promise<T>): { promise: Promise<T>; settled: boolean } {
  const state = { promise, settled: false };
  void promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

async function eventsIn(roomId: string): Promise<string[]> {
  const { rows } = await synapse.pool.query<{ event_id: string }>(
    'SELECT event_id FROM event_json WHERE room_id = $1 ORDER BY event_id',
    [roomId],
  );
  return rows.map((row) => row.event_id);
}

describe('a retention run under legal holds', () => {
  it("keeps a held room whole (events, search rows, its members' uploads), lists it as held, not as a finding, and purges it once released", async () => {
    const heldRoom = await roomWithMessages(80 * hour);
    const freeRoom = await roomWithMessages(80 * hour);
    await searchRow(heldRoom.old, heldRoom.roomId, now - 80 * hour);
    await searchRow(freeRoom.old, freeRoom.roomId, now - 80 * hour);
    // alice is in the held room; bob is not: bob's old upload goes, alice's is kept with the room.
    await upload('alicescan', alice, now - 79 * hour);
    await upload('bobscan', '@bob:trust-a.example', now - 79 * hour);
    const hold = await holds().place({ subject: { kind: 'room', id: heldRoom.roomId }, ...officer });

    const summary = await runner().run({ trigger: 'schedule' });

    expect(summary).toMatchObject({ status: 'complete', clean: true, findings: [], failures: [] });
    expect(summary.rooms.held).toBe(1);
    expect(await held(heldRoom.old)).toBe(true);
    expect(await searchRows(heldRoom.roomId)).toBe(1);
    expect(await mediaHeld('alicescan')).toBe(true);
    expect(await held(freeRoom.old)).toBe(false);
    expect(await searchRows(freeRoom.roomId)).toBe(0);
    expect(await mediaHeld('bobscan')).toBe(false);
    expect(summary.held).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'event-content', roomId: heldRoom.roomId, count: 1 }),
        expect.objectContaining({ kind: 'search-row', roomId: heldRoom.roomId, count: 1 }),
        expect.objectContaining({ kind: 'local-media', roomId: null, count: 1 }),
      ]),
    );
    const { rows } = await bleep.pool.query<{ outcome: string }>(
      'SELECT outcome FROM bleep_retention_room WHERE run_id = $1 AND room_id = $2',
      [summary.runId, heldRoom.roomId],
    );
    expect(rows).toEqual([{ outcome: 'held' }]);
    expect(await auditActions()).toEqual(['retention.hold.place placed', 'retention.run clean']);
    expect(await metrics.registry.getSingleMetricAsString('bleep_retention_findings')).not.toMatch(/} [1-9]/);

    await holds().release({ id: hold.id, reason: 'Request answered', by: 'ig.officer' });
    const after = await runner().run({ trigger: 'schedule' });
    expect(after).toMatchObject({ status: 'complete', clean: true, held: [] });
    expect(after.rooms.held).toBe(0);
    expect(await held(heldRoom.old)).toBe(false);
    expect(await searchRows(heldRoom.roomId)).toBe(0);
    expect(await mediaHeld('alicescan')).toBe(false);
    expect((await verifyAuditChain(bleep.pool)).ok).toBe(true);
  });

  it('keeps every room a held user is or was in, and purges the others', async () => {
    const bob = '@bob.held:trust-a.example';
    const bobsRoom = await roomWithMessages(80 * hour);
    const otherRoom = await roomWithMessages(80 * hour);
    await insertEvent(synapse, {
      roomId: bobsRoom.roomId,
      type: 'm.room.member',
      sender: bob,
      depth: 1,
      receivedTs: now - 81 * hour,
      content: { membership: 'join' },
      stateKey: bob,
    });
    const hold = await holds().place({ subject: { kind: 'user', id: bob }, ...officer });
    expect(hold.rooms).toEqual([bobsRoom.roomId]);

    const summary = await runner().run({ trigger: 'schedule' });

    expect(summary).toMatchObject({ clean: true, findings: [] });
    expect(await held(bobsRoom.old)).toBe(true);
    expect(await held(otherRoom.old)).toBe(false);
    await holds().release({ id: hold.id, reason: 'Claim settled', by: 'ig.officer' });
    await runner().run({ trigger: 'schedule' });
    expect(await held(bobsRoom.old)).toBe(false);
  });

  it('waits for a hold being placed when it comes to the room, then sees it and keeps the room whole', async () => {
    const room = await roomWithMessages(80 * hour);
    // The officer's placement stops inside its transaction (its hold row written, not yet committed) until this
    // test lets it go: it cannot add the hold's rooms while another session keeps the table locked.
    const blocker = await bleep.pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE bleep_legal_hold_room IN EXCLUSIVE MODE');
    const placing = holds().place({
      subject: { kind: 'room', id: room.roomId },
      ...officer,
      reference: 'SAR-RACE-1',
    });
    await expect.poll(() => waitingFor('relation'), { timeout: 10_000 }).toBeGreaterThan(0);

    // The run starts while the hold is not yet recorded: its first read of the holds says "not held".
    const running = settling(runner().run({ trigger: 'schedule' }));
    await expect
      .poll(async () => running.settled || (await waitingFor('advisory')) > 0, { timeout: 10_000 })
      .toBe(true);
    await blocker.query('COMMIT');
    blocker.release();
    const hold = await placing;
    const summary = await running.promise;

    expect(await held(room.old)).toBe(true);
    expect(await held(room.recent)).toBe(true);
    expect(summary).toMatchObject({ status: 'complete', failures: [] });
    const { rows } = await bleep.pool.query<{ outcome: string }>(
      'SELECT outcome FROM bleep_retention_room WHERE run_id = $1 AND room_id = $2',
      [summary.runId, room.roomId],
    );
    expect(rows).toEqual([{ outcome: 'held' }]);
    await holds().release({ id: hold.id, reason: 'Request answered', by: 'ig.officer' });
  });

  it("makes a hold placed during a room's purge wait for it: nothing the room holds when the hold is recorded is purged after", async () => {
    const room = await roomWithMessages(80 * hour);
    // Synapse takes the purge and the test holds it there: the run has checked the holds and is purging.
    let reached = (): void => undefined;
    const atPurge = new Promise<void>((resolve) => (reached = resolve));
    let resume = (): void => undefined;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    const slowPurge: SynapseAdmin = {
      ...admin,
      purgeHistory: async (roomId, upToEventId) => {
        if (roomId === room.roomId) {
          reached();
          await resumed;
        }
        return admin.purgeHistory(roomId, upToEventId);
      },
    };
    const running = runner({ admin: slowPurge }).run({ trigger: 'schedule' });
    await atPurge;

    const placing = settling(
      (async () => {
        const hold = await holds().place({
          subject: { kind: 'room', id: room.roomId },
          ...officer,
          reference: 'SAR-RACE-2',
        });
        // What the room still holds at the moment the hold is on record: all of it must stay.
        return { hold, heldAtPlacement: await eventsIn(room.roomId) };
      })(),
    );
    await expect
      .poll(async () => placing.settled || (await waitingFor('advisory')) > 0, { timeout: 10_000 })
      .toBe(true);
    resume();
    const { hold, heldAtPlacement } = await placing.promise;
    const summary = await running;

    expect(summary.rooms.purged).toBeGreaterThan(0);
    expect(heldAtPlacement).not.toContain(room.old);
    expect(heldAtPlacement).toContain(room.recent);
    for (const eventId of heldAtPlacement) expect(await held(eventId)).toBe(true);
    await holds().release({ id: hold.id, reason: 'Request answered', by: 'ig.officer' });
  });

  it('purges nothing of any room when the holds cannot be read, and says so', async () => {
    const room = await roomWithMessages(80 * hour);
    const [purgeDb, proofDb, bleepDb] = pools as [pg.Pool, pg.Pool, pg.Pool];
    const clock = () => new Date(now);
    const blind = createRetentionRunner({
      policy,
      synapseDb: purgeDb,
      proofDb,
      bleepDb,
      admin,
      audit: createAuditLog({ pool: bleepDb, clock }),
      holds: {
        ...holds(),
        resolve: () => Promise.reject(Object.assign(new Error('relation does not exist'), { code: '42P01' })),
      },
      metrics,
      log: pino({ level: 'silent' }),
      clock,
      sleep: () => Promise.resolve(),
      mediaStorePath: mediaStore,
      settings: {
        intervalSeconds: 600,
        roomConcurrency: 2,
        spreadSeconds: 0,
        retryAttempts: 1,
        retryBaseMs: 1,
        purgeTimeoutMs: 1000,
        purgePollMs: 1,
        lockWaitMs: 0,
      },
    });
    const summary = await blind.run({ trigger: 'schedule' });
    expect(summary).toMatchObject({ status: 'failed', clean: false, proofRan: false });
    expect(summary.failures.map((failure) => failure.step)).toContain('legal-holds');
    expect(await held(room.old)).toBe(true);
    await runner().run({ trigger: 'schedule' });
    expect(await held(room.old)).toBe(false);
  });
});

describe('purge-room', () => {
  it("purges a young room's whole history now, its search rows and named attachments; the room keeps its state", async () => {
    const room = await roomWithMessages(10_000);
    // The room's name, say: a state event the history purge keeps, so its search row is left to the service.
    await searchRow('$roomname', room.roomId, now - 5000);
    await upload('leakedscan', alice, now - 5000);
    now += 1000;

    const result = await runner().purgeRoomNow({
      roomId: room.roomId,
      reason: 'Photo posted to the wrong ward',
      reference: 'DI-2026-117',
      by: 'ig.officer',
      media: ['mxc://trust-a.example/leakedscan'],
    });

    expect(result).toMatchObject({
      roomId: room.roomId,
      outcome: 'purged',
      counts: {
        eventsPurged: 2,
        redactionsSent: 1,
        searchRows: 1,
        media: 1,
        eventsLeft: 0,
        searchRowsLeft: 0,
      },
    });
    expect(await held(room.old)).toBe(false);
    expect(await held(room.recent)).toBe(false);
    expect(await mediaHeld('leakedscan')).toBe(false);
    const { rows: state } = await synapse.pool.query(
      `SELECT 1 FROM current_state_events WHERE room_id = $1 AND type = 'm.room.member'`,
      [room.roomId],
    );
    expect(state).toHaveLength(1);
    const { rows } = await bleep.pool.query<{ reference: string; purged_by: string; outcome: string }>(
      'SELECT reference, purged_by, outcome FROM bleep_room_purge WHERE id = $1',
      [result.id],
    );
    expect(rows).toEqual([{ reference: 'DI-2026-117', purged_by: 'ig.officer', outcome: 'purged' }]);
    expect(await auditActions()).toEqual(['retention.purge-room purged']);
  });

  it('is refused while a legal hold covers the room, purges nothing, and audits the refusal', async () => {
    const room = await roomWithMessages(10_000);
    const hold = await holds().place({ subject: { kind: 'room', id: room.roomId }, ...officer });
    now += 1000;
    await expect(
      runner().purgeRoomNow({ roomId: room.roomId, reason: 'Incident', reference: 'DI-1', by: 'ig.officer' }),
    ).rejects.toThrow(new RegExp(`under legal hold: hold ${hold.id} .*SAR-2026-041`));
    expect(await held(room.old)).toBe(true);
    expect(await held(room.recent)).toBe(true);
    expect(await auditActions()).toEqual([
      'retention.hold.place placed',
      'retention.purge-room refused: ROOM_UNDER_HOLD',
    ]);
    await holds().release({ id: hold.id, reason: 'done', by: 'ig.officer' });
  });

  it('makes a hold placed while it purges wait for it, and a hold being placed when it starts refuse it', async () => {
    const room = await roomWithMessages(10_000);
    now += 1000;
    let reached = (): void => undefined;
    const atPurge = new Promise<void>((resolve) => (reached = resolve));
    let resume = (): void => undefined;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    const slowPurge: SynapseAdmin = {
      ...admin,
      purgeHistory: async (roomId, upToEventId) => {
        reached();
        await resumed;
        return admin.purgeHistory(roomId, upToEventId);
      },
    };
    const purging = runner({ admin: slowPurge }).purgeRoomNow({
      roomId: room.roomId,
      reason: 'Photo posted to the wrong ward',
      reference: 'DI-RACE-1',
      by: 'ig.officer',
    });
    await atPurge;
    const placing = settling(
      (async () => {
        const hold = await holds().place({
          subject: { kind: 'room', id: room.roomId },
          ...officer,
          reference: 'SAR-RACE-3',
        });
        return { hold, heldAtPlacement: await eventsIn(room.roomId) };
      })(),
    );
    await expect
      .poll(async () => placing.settled || (await waitingFor('advisory')) > 0, { timeout: 10_000 })
      .toBe(true);
    resume();
    expect(await purging).toMatchObject({ outcome: 'purged' });
    const { hold, heldAtPlacement } = await placing.promise;
    // The purge had finished when the hold went on record: nothing the room held then has gone since.
    expect(heldAtPlacement).not.toContain(room.old);
    for (const eventId of heldAtPlacement) expect(await held(eventId)).toBe(true);

    // The other way round: the officer's placement is mid-transaction when purge-room starts.
    const next = await roomWithMessages(10_000);
    now += 1000;
    const blocker = await bleep.pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE bleep_legal_hold_room IN EXCLUSIVE MODE');
    const placingNext = holds().place({
      subject: { kind: 'room', id: next.roomId },
      ...officer,
      reference: 'SAR-RACE-4',
    });
    await expect.poll(() => waitingFor('relation'), { timeout: 10_000 }).toBeGreaterThan(0);
    const refused = settling(
      runner().purgeRoomNow({
        roomId: next.roomId,
        reason: 'Incident',
        reference: 'DI-RACE-2',
        by: 'ig.officer',
      }),
    );
    await expect
      .poll(async () => refused.settled || (await waitingFor('advisory')) > 0, { timeout: 10_000 })
      .toBe(true);
    await blocker.query('COMMIT');
    blocker.release();
    const nextHold = await placingNext;
    await expect(refused.promise).rejects.toMatchObject({ code: 'ROOM_UNDER_HOLD' });
    expect(await held(next.old)).toBe(true);
    expect(await held(next.recent)).toBe(true);
    for (const id of [hold.id, nextHold.id]) {
      await holds().release({ id, reason: 'done', by: 'ig.officer' });
    }
  });

  it('refuses a room Synapse does not know, a malformed request and a partner’s attachment, before touching anything', async () => {
    const room = await roomWithMessages(10_000);
    now += 1000;
    await expect(
      runner().purgeRoomNow({ roomId: '!nosuch:trust-a.example', reason: 'x', reference: 'y', by: 'z' }),
    ).rejects.toMatchObject({ code: 'ROOM_PURGE_UNKNOWN_ROOM' });
    await expect(
      runner().purgeRoomNow({ roomId: room.roomId, reference: 'y', by: 'z' }),
    ).rejects.toMatchObject({
      code: 'ROOM_PURGE_BAD_INPUT',
    });
    await expect(
      runner().purgeRoomNow({
        roomId: room.roomId,
        reason: 'x',
        reference: 'y',
        by: 'z',
        media: ['mxc://trust-b.example/theirs'],
      }),
    ).rejects.toMatchObject({ code: 'ROOM_PURGE_FOREIGN_MEDIA' });
    expect(await held(room.old)).toBe(true);
  });
});
