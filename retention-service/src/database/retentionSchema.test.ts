// Runs against real PostgreSQL (127.0.0.1:5432, user postgres, or BLEEP_TEST_POSTGRES_URL), in a throwaway database
// migrated as policy-module's and this service's deploy steps do, with the service's role granted its access.
import { migrateBleepSchema } from '@bleep/policy-module';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../../policy-module/src/database/throwawayDatabase.testkit.ts';
import { createTestRole } from './synapseTables.testkit.ts';
import { grantRetentionAccess, migrateRetentionSchema, requireRetentionTables } from './retentionSchema.ts';

let database: ThrowawayDatabase;
let role: Awaited<ReturnType<typeof createTestRole>>;
let service: pg.Pool;

async function startRun(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO bleep_retention_run (trigger, started_at, window_seconds, window_source, cutoff, proof_horizon, status)
     VALUES ('manual', now(), 60, 'override', now(), now(), 'running') RETURNING id`,
  );
  return Number(rows[0]?.id);
}

beforeAll(async () => {
  database = await createThrowawayDatabase('bleep_retention_schema_test');
  await migrateBleepSchema(database.pool);
  await migrateRetentionSchema(database.pool);
  // Twice: a deploy step runs at every release.
  await migrateRetentionSchema(database.pool);
  role = await createTestRole(database, 'bleep_test_retention');
  await grantRetentionAccess(database.pool, role.role);
  service = new pg.Pool({ connectionString: role.url, max: 2 });
  service.on('error', () => undefined);
});

afterAll(async () => {
  await service.end();
  await role.drop();
  await database.drop();
});

describe('the retention tables and the service role', () => {
  it("refuses to migrate before policy-module's audit trail exists, and names the step", async () => {
    const bare = await createThrowawayDatabase('bleep_retention_bare_test');
    try {
      await expect(migrateRetentionSchema(bare.pool)).rejects.toThrow(/bleep_audit.*bleep-policy migrate/);
      await expect(requireRetentionTables(bare.pool)).rejects.toThrow(/bleep-policy migrate/);
    } finally {
      await bare.drop();
    }
  });

  it('lets the service record a run and close it once; a closed run cannot be rewritten or deleted', async () => {
    const id = await startRun(service);
    await service.query(
      `UPDATE bleep_retention_run SET status = 'complete', finished_at = now() WHERE id = $1`,
      [id],
    );
    await expect(
      service.query(`UPDATE bleep_retention_run SET finding_count = 0 WHERE id = $1`, [id]),
    ).rejects.toThrow(/closed/);
    await expect(service.query('DELETE FROM bleep_retention_run WHERE id = $1', [id])).rejects.toThrow(
      /permission denied/,
    );
    // Not even its owner rewrites history by accident: the trigger is the table's.
    await expect(
      database.pool.query(`UPDATE bleep_retention_run SET status = 'running' WHERE id = $1`, [id]),
    ).rejects.toThrow(/closed/);
  });

  it('lets the service add findings, failures and rooms but never change or delete them', async () => {
    const id = await startRun(service);
    await service.query(
      `INSERT INTO bleep_retention_finding (run_id, kind, count) VALUES ($1, 'event-content', 3)`,
      [id],
    );
    await service.query(
      `INSERT INTO bleep_retention_failure (run_id, at, step, code, message) VALUES ($1, now(), 'room', 'X', 'y')`,
      [id],
    );
    await expect(service.query('DELETE FROM bleep_retention_finding')).rejects.toThrow(/permission denied/);
    await expect(service.query('UPDATE bleep_retention_failure SET code = $1', ['Z'])).rejects.toThrow(
      /permission denied/,
    );
  });

  it('lets the service keep and prune its stream marks', async () => {
    await service.query(
      `INSERT INTO bleep_retention_stream_mark (stream, at, position) VALUES ('to_device', now(), 5)`,
    );
    await service.query(`DELETE FROM bleep_retention_stream_mark WHERE position = 5`);
  });

  it('lets the service append to the audit trail, never change it, and nothing in the enrolment tables', async () => {
    await expect(service.query('UPDATE bleep_audit SET result = $1', ['x'])).rejects.toThrow(
      /permission denied/,
    );
    await expect(service.query('SELECT * FROM bleep_device_enrolment')).rejects.toThrow(/permission denied/);
    await expect(service.query('CREATE TABLE bleep_sneaky (a int)')).rejects.toThrow(/permission denied/);
  });

  it('finds its tables once migrated', async () => {
    await expect(requireRetentionTables(service)).resolves.toBeUndefined();
  });
});
