// Against real PostgreSQL (a throwaway database and a throwaway role): the gateway's role, given its access by
// `migrate --grant-to`, can append to the audit trail and manage enrolments, and cannot change, delete or drop the
// trail nor switch off its trigger.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../audit/auditLog.ts';
import { createEnrolmentStore } from '../enrolment/enrolmentStore.ts';
import { grantServiceAccess, migrateBleepSchema, requireTables, BleepSchemaError } from './bleepSchema.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwawayDatabase.testkit.ts';

describe("Bleep's schema and the gateway role's access", () => {
  let database: ThrowawayDatabase;
  let gateway: pg.Pool;
  const role = `bleep_test_gateway_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(16).toString('hex');

  beforeAll(async () => {
    database = await createThrowawayDatabase('bleep_schema_test');
    await database.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    const url = new URL(database.url);
    url.username = role;
    url.password = password;
    gateway = new pg.Pool({ connectionString: url.toString(), max: 2 });
  });

  afterAll(async () => {
    await gateway.end();
    await database.drop();
    const admin = new pg.Client({
      connectionString: process.env.BLEEP_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it('says which tables are missing, and how to make them, before the migration', async () => {
    await expect(requireTables(database.pool, ['bleep_audit'])).rejects.toThrow(BleepSchemaError);
    await expect(requireTables(database.pool, ['bleep_audit'])).rejects.toThrow(/bleep-policy migrate/);
  });

  it('lets the role append and read the trail and manage enrolments once granted', async () => {
    await migrateBleepSchema(database.pool);
    await expect(requireTables(gateway, ['bleep_audit', 'bleep_device_enrolment'])).resolves.toBeUndefined();
    // Before the grant the role cannot even read the trail.
    await expect(gateway.query('SELECT count(*) FROM bleep_audit')).rejects.toMatchObject({ code: '42501' });

    await grantServiceAccess(database.pool, role);
    const audit = createAuditLog({ pool: gateway, clock: () => new Date() });
    await audit.record({ actor: '@a:x', device: null, action: 'login', room: null, result: 'ok' });
    await audit.record({ actor: '@a:x', device: null, action: 'logout', room: null, result: 'ok' });
    const store = createEnrolmentStore({ pool: gateway, clock: () => new Date() });
    const issued = await store.createEnrolment('WARD-PC', { label: 'ward', createdBy: 'it' });
    expect(issued.ok).toBe(true);
    if (issued.ok) expect((await store.redeemCode('WARD-PC', issued.code)).ok).toBe(true);
  });

  it.each([
    ['change a row', 'UPDATE bleep_audit SET result = $$x$$'],
    ['delete a row', 'DELETE FROM bleep_audit'],
    ['truncate', 'TRUNCATE bleep_audit'],
    ['switch off the append-only trigger', 'ALTER TABLE bleep_audit DISABLE TRIGGER ALL'],
    ['drop the trail', 'DROP TABLE bleep_audit'],
    ['make tables of its own', 'CREATE TABLE bleep_shadow (x int)'],
  ])('does not let the role %s', async (_what, sql) => {
    await expect(gateway.query(sql)).rejects.toMatchObject({ code: '42501' });
    const { rows } = await database.pool.query<{ count: string }>('SELECT count(*) FROM bleep_audit');
    expect(rows[0]?.count).toBe('2');
  });

  it('refuses a role name that is not a plain identifier', async () => {
    await expect(grantServiceAccess(database.pool, 'x; DROP TABLE bleep_audit')).rejects.toThrow(
      BleepSchemaError,
    );
  });
});
