// The expiry report store against real PostgreSQL (a throwaway database), written as the gateway's own role
// (granted by grantServiceAccess), so the test shows the role can keep reports and cannot read them back.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrateBleepSchema } from '../database/bleepSchema.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';
import {
  createThrowawayServiceRole,
  type ThrowawayServiceRole,
} from '../database/throwawayServiceRole.testkit.ts';
import { createExpiryReportStore, type ExpiryReportStore } from './expiryReportStore.ts';

const monday = new Date('2026-03-02T09:00:00Z');

type StoredRow = {
  user_id: string;
  device_id: string;
  oldest_ts: Date | null;
  swept_at: Date;
  received_at: Date;
};

describe('expiry report store', () => {
  let database: ThrowawayDatabase;
  let gateway: ThrowawayServiceRole;
  let now: Date;
  let store: ExpiryReportStore;

  beforeAll(async () => {
    database = await createThrowawayDatabase();
    await migrateBleepSchema(database.pool);
    gateway = await createThrowawayServiceRole(database);
  });

  afterAll(async () => {
    await gateway.drop();
    await database.drop();
  });

  beforeEach(async () => {
    await database.pool.query('TRUNCATE bleep_expiry_report');
    now = monday;
    store = createExpiryReportStore({ pool: gateway.pool, clock: () => now });
  });

  const rows = async () =>
    (await database.pool.query<StoredRow>('SELECT * FROM bleep_expiry_report ORDER BY user_id, device_id'))
      .rows;

  it("keeps each (user, device)'s latest report, timed by the server's clock", async () => {
    const oldest = new Date('2026-01-01T00:00:00Z');
    const swept = new Date('2026-03-02T08:00:00Z');
    expect(await store.record('@a:x', 'PC1', { oldestTs: oldest, sweptAt: swept })).toEqual(monday);
    await store.record('@b:x', 'PC1', { oldestTs: null, sweptAt: swept });
    now = new Date(monday.getTime() + 60_000);
    expect(await store.record('@a:x', 'PC1', { oldestTs: null, sweptAt: now })).toEqual(now);
    expect(await rows()).toEqual([
      { user_id: '@a:x', device_id: 'PC1', oldest_ts: null, swept_at: now, received_at: now },
      { user_id: '@b:x', device_id: 'PC1', oldest_ts: null, swept_at: swept, received_at: monday },
    ]);
  });

  it('keeps one row when a desktop sends its first two reports at once', async () => {
    await Promise.all(
      Array.from({ length: 8 }, () => store.record('@a:x', 'PC1', { oldestTs: null, sweptAt: monday })),
    );
    expect(await rows()).toHaveLength(1);
  });

  it("lets the gateway's role write reports but never read what a desktop reported", async () => {
    await store.record('@a:x', 'PC1', { oldestTs: monday, sweptAt: monday });
    await expect(gateway.pool.query('SELECT oldest_ts FROM bleep_expiry_report')).rejects.toMatchObject({
      code: '42501',
    });
    await expect(gateway.pool.query('SELECT received_at FROM bleep_expiry_report')).rejects.toMatchObject({
      code: '42501',
    });
    await expect(gateway.pool.query('DELETE FROM bleep_expiry_report')).rejects.toMatchObject({
      code: '42501',
    });
    expect(await rows()).toHaveLength(1);
  });
});
