// The device status watch against real PostgreSQL (a throwaway database): changes made through a second pool, as
// trust IT's command would make them, reach the watch's view by NOTIFY, by its full reload when a notification
// is lost, and after its listening connection is cut.
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';
import { createDeviceStatusWatch, type DeviceStatus, type DeviceStatusWatch } from './deviceStatusWatch.ts';
import { migrateEnrolmentSchema } from './enrolmentSchema.ts';
import { createEnrolmentStore, type EnrolmentStore } from './enrolmentStore.ts';
import { revokeDevice } from './revokeDevice.ts';

const log = pino({ level: 'silent' });
const never = 3_600_000;

/** Polls until the device has the status, or fails after `timeoutMs`: no fixed sleep stands in for a result. */
async function expectStatusSoon(
  watch: DeviceStatusWatch,
  deviceId: string,
  expected: DeviceStatus,
  timeoutMs = 3000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (watch.status(deviceId) !== expected) {
    if (Date.now() > deadline) {
      throw new Error(
        `${deviceId} is still ${watch.status(deviceId)}, not ${expected}, after ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('device status watch', () => {
  let database: ThrowawayDatabase;
  // Trust IT's side: another pool, as the CLI on another machine would be.
  let itPool: pg.Pool;
  let it_: EnrolmentStore;
  const watches: DeviceStatusWatch[] = [];

  async function watch(options: Partial<Parameters<typeof createDeviceStatusWatch>[0]> = {}) {
    const created = await createDeviceStatusWatch({ pool: database.pool, log, reloadMs: never, ...options });
    watches.push(created);
    return created;
  }

  async function enrol(deviceId: string): Promise<void> {
    const issued = await it_.createEnrolment(deviceId, { createdBy: 'it-admin' });
    if (!issued.ok) throw new Error(`enrolment refused: ${issued.code}`);
    if (!(await it_.redeemCode(deviceId, issued.code)).ok) throw new Error('redeem refused');
  }

  const revoke = (deviceId: string) =>
    revokeDevice({ store: it_, signOut: () => Promise.resolve([]) }, deviceId);

  beforeAll(async () => {
    database = await createThrowawayDatabase('bleep_device_watch_test');
    await migrateEnrolmentSchema(database.pool);
    itPool = new pg.Pool({ connectionString: database.url, max: 2 });
    it_ = createEnrolmentStore({ pool: itPool, clock: () => new Date() });
  });

  beforeEach(async () => {
    await database.pool.query('TRUNCATE bleep_device_enrolment, bleep_device_login');
  });

  afterEach(async () => {
    await Promise.all(watches.splice(0).map((each) => each.close()));
  });

  afterAll(async () => {
    await itPool.end();
    await database.drop();
  });

  it('knows at start which devices are active, revoked or not enrolled', async () => {
    await enrol('WARD12-PC03');
    await enrol('THEATRE-PC2');
    await revoke('THEATRE-PC2');
    await it_.createEnrolment('WARD14-PC01', { createdBy: 'it-admin' });
    const devices = await watch();
    expect(devices.status('WARD12-PC03')).toBe('active');
    expect(devices.status('THEATRE-PC2')).toBe('revoked');
    expect(devices.status('WARD14-PC01')).toBe('unknown-device');
    expect(devices.status('PERSONAL-LAPTOP')).toBe('unknown-device');
    expect(devices.status('a\u0000b')).toBe('unknown-device');
  });

  it('sees a revocation by the real revoke path at once, long before its next full reload', async () => {
    await enrol('WARD12-PC03');
    const devices = await watch();
    expect(devices.status('WARD12-PC03')).toBe('active');
    expect(await revoke('WARD12-PC03')).toMatchObject({ ok: true });
    await expectStatusSoon(devices, 'WARD12-PC03', 'revoked');
    // Re-enrolled by IT: not active until the new code is redeemed.
    const issued = await it_.createEnrolment('WARD12-PC03', { createdBy: 'it-admin' });
    await expectStatusSoon(devices, 'WARD12-PC03', 'unknown-device');
    if (!issued.ok) throw new Error('re-enrolment refused');
    await it_.redeemCode('WARD12-PC03', issued.code);
    await expectStatusSoon(devices, 'WARD12-PC03', 'active');
  });

  it('sees a revocation only once it is committed', async () => {
    await enrol('WARD12-PC03');
    const devices = await watch();
    const client = await itPool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        "UPDATE bleep_device_enrolment SET revoked_at = now() WHERE device_id = 'WARD12-PC03'",
      );
      // A full reload now must not see it either: it is not committed.
      expect(devices.status('WARD12-PC03')).toBe('active');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await expectStatusSoon(devices, 'WARD12-PC03', 'revoked');
  });

  it('catches a change whose notification never came at its next full reload', async () => {
    await enrol('WARD12-PC03');
    const devices = await watch({ reloadMs: 100 });
    await database.pool.query(
      'ALTER TABLE bleep_device_enrolment DISABLE TRIGGER bleep_device_enrolment_notify',
    );
    try {
      await itPool.query(
        "UPDATE bleep_device_enrolment SET revoked_at = now() WHERE device_id = 'WARD12-PC03'",
      );
      await expectStatusSoon(devices, 'WARD12-PC03', 'revoked');
    } finally {
      await database.pool.query(
        'ALTER TABLE bleep_device_enrolment ENABLE TRIGGER bleep_device_enrolment_notify',
      );
    }
  });

  it('says unavailable while its listening connection is down, then reconnects and catches up', async () => {
    await enrol('WARD12-PC03');
    await enrol('WARD14-PC01');
    const devices = await watch({ reconnectMs: 500 });
    const cut = await database.pool.query<{ cut: boolean }>(
      "SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE application_name = 'bleep-device-status-watch' AND datname = current_database()",
    );
    expect(cut.rows).toEqual([{ cut: true }]);
    await expectStatusSoon(devices, 'WARD12-PC03', 'unavailable');
    // Revoked while nobody was listening: the reload after reconnecting must find it.
    await revoke('WARD14-PC01');
    await expectStatusSoon(devices, 'WARD12-PC03', 'active');
    expect(devices.status('WARD14-PC01')).toBe('revoked');
    // And it listens again.
    await revoke('WARD12-PC03');
    await expectStatusSoon(devices, 'WARD12-PC03', 'revoked');
  });

  it('keeps trying while the database refuses new connections', async () => {
    await enrol('WARD12-PC03');
    let refusals = 0;
    let refusing = false;
    const flakyPool = {
      connect: () => {
        if (!refusing) return database.pool.connect();
        refusals += 1;
        if (refusals >= 3) refusing = false;
        return Promise.reject(new Error('the database system is starting up'));
      },
    } as unknown as pg.Pool;
    const devices = await watch({ pool: flakyPool, reconnectMs: 20 });
    refusing = true;
    await database.pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'bleep-device-status-watch' AND datname = current_database()",
    );
    await expectStatusSoon(devices, 'WARD12-PC03', 'unavailable');
    await expectStatusSoon(devices, 'WARD12-PC03', 'active');
    expect(refusals).toBe(3);
  });

  it('says unavailable when no full reload has succeeded for longer than it may trust its view', async () => {
    await enrol('WARD12-PC03');
    let now = new Date('2026-11-23T09:00:00Z');
    const devices = await watch({ reloadMs: never, staleAfterMs: 60_000, clock: () => now });
    expect(devices.status('WARD12-PC03')).toBe('active');
    now = new Date(now.getTime() + 60_000);
    expect(devices.status('WARD12-PC03')).toBe('active');
    now = new Date(now.getTime() + 1);
    expect(devices.status('WARD12-PC03')).toBe('unavailable');
    expect(devices.status('PERSONAL-LAPTOP')).toBe('unavailable');
  });

  it('refuses to start without the enrolment table, and gives its connection back when closed', async () => {
    const empty = await createThrowawayDatabase('bleep_device_watch_test');
    try {
      await expect(createDeviceStatusWatch({ pool: empty.pool, log, reloadMs: never })).rejects.toThrow(
        /bleep_device_enrolment/,
      );
    } finally {
      await empty.drop();
    }
    const devices = await createDeviceStatusWatch({ pool: database.pool, log, reloadMs: never });
    expect(database.pool.totalCount - database.pool.idleCount).toBe(1);
    await devices.close();
    expect(devices.status('WARD12-PC03')).toBe('unavailable');
    expect(database.pool.totalCount - database.pool.idleCount).toBe(0);
  });
});
