// Against real PostgreSQL (a throwaway database and a throwaway role): the gateway's role, given its access by
// `migrate --grant-to`, can append to the audit trail and manage enrolments, and cannot change, delete or drop the
// trail nor switch off its trigger.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog } from '../audit/auditLog.ts';
import { createEnrolmentStore } from '../enrolment/enrolmentStore.ts';
import { createStaffDirectoryStore } from '../staffDirectory/staffDirectoryStore.ts';
import { grantServiceAccess, migrateBleepSchema, requireTables, BleepSchemaError } from './bleepSchema.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwawayDatabase.testkit.ts';
import { truncateAsOwner } from './truncateAsOwner.testkit.ts';

const serverUrl = process.env.BLEEP_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// A role is the server's, not one database's: one for the file, given access database by database.
const role = `bleep_test_gateway_${randomBytes(4).toString('hex')}`;
const password = randomBytes(16).toString('hex');

async function asAdmin(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A pool connected to `database` as the role. */
function poolAsRole(database: ThrowawayDatabase): pg.Pool {
  const url = new URL(database.url);
  url.username = role;
  url.password = password;
  return new pg.Pool({ connectionString: url.toString(), max: 2 });
}

beforeAll(async () => {
  await asAdmin(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
});

afterAll(async () => {
  // Every database that granted the role something is dropped by now, so nothing of it is left to drop.
  await asAdmin(`DROP ROLE IF EXISTS ${role}`);
});

describe("Bleep's schema and the gateway role's access", () => {
  describe('on a database nobody has migrated', () => {
    let database: ThrowawayDatabase;
    let gateway: pg.Pool;

    beforeEach(async () => {
      database = await createThrowawayDatabase('bleep_schema_test');
      gateway = poolAsRole(database);
    });

    afterEach(async () => {
      await gateway.end();
      await database.drop();
    });

    it('says which tables are missing, and how to make them, before the migration', async () => {
      await expect(requireTables(database.pool, ['bleep_audit'])).rejects.toThrow(BleepSchemaError);
      await expect(requireTables(database.pool, ['bleep_audit'])).rejects.toThrow(/bleep-policy migrate/);
    });

    it('lets the role append and read the trail and manage enrolments once granted', async () => {
      await migrateBleepSchema(database.pool);
      await expect(
        requireTables(gateway, ['bleep_audit', 'bleep_device_enrolment']),
      ).resolves.toBeUndefined();
      // Before the grant the role cannot even read the trail.
      await expect(gateway.query('SELECT count(*) FROM bleep_audit')).rejects.toMatchObject({
        code: '42501',
      });

      await grantServiceAccess(database.pool, role);
      const audit = createAuditLog({ pool: gateway, clock: () => new Date() });
      await audit.record({ actor: '@a:x', device: null, action: 'login', room: null, result: 'ok' });
      await audit.record({ actor: '@a:x', device: null, action: 'logout', room: null, result: 'ok' });
      const { rows } = await gateway.query<{ count: string }>('SELECT count(*) FROM bleep_audit');
      expect(rows[0]?.count).toBe('2');
      const store = createEnrolmentStore({ pool: gateway, clock: () => new Date() });
      const issued = await store.createEnrolment('WARD-PC', { label: 'ward', createdBy: 'it' });
      expect(issued.ok).toBe(true);
      if (issued.ok) expect((await store.redeemCode('WARD-PC', issued.code)).ok).toBe(true);
    });
  });

  describe('once migrated and granted to the role', () => {
    let database: ThrowawayDatabase;
    let gateway: pg.Pool;

    beforeAll(async () => {
      database = await createThrowawayDatabase('bleep_schema_test');
      await migrateBleepSchema(database.pool);
      await grantServiceAccess(database.pool, role);
      gateway = poolAsRole(database);
    });

    afterAll(async () => {
      await gateway.end();
      await database.drop();
    });

    beforeEach(async () => {
      // Two rows the role appended, for each refusal below to leave untouched.
      await truncateAsOwner(database.pool, ['bleep_audit']);
      const audit = createAuditLog({ pool: gateway, clock: () => new Date() });
      await audit.record({ actor: '@a:x', device: null, action: 'login', room: null, result: 'ok' });
      await audit.record({ actor: '@a:x', device: null, action: 'logout', room: null, result: 'ok' });
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

    it("lets the role keep and search the staff directory, as trust IT's command and the gateway do", async () => {
      const staff = createStaffDirectoryStore({ pool: gateway, clock: () => new Date() });
      const member = {
        userId: '@nurse:x.example',
        displayName: 'Nurse',
        role: 'Sister',
        department: 'Ward 7',
      };
      expect(await staff.set(member, 'it')).toMatchObject({ ok: true });
      expect(await staff.search({ term: 'ward', limit: 5, serverName: 'x.example' })).toEqual([member]);
      expect(await staff.remove(member.userId)).toBe(true);
      await expect(gateway.query('DROP TABLE bleep_staff_member')).rejects.toMatchObject({ code: '42501' });
    });

    it('refuses a role name that is not a plain identifier', async () => {
      await expect(grantServiceAccess(database.pool, 'x; DROP TABLE bleep_audit')).rejects.toThrow(
        BleepSchemaError,
      );
    });
  });
});
