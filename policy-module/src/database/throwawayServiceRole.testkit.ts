// Test support, not used in production: a login role on the local PostgreSQL server given exactly the gateway's
// access to a throwaway database (grantServiceAccess), with a pool connected as that role, so a test can show what
// the gateway's own role can and cannot make the database hold. The database must be migrated first.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { grantServiceAccess } from './bleepSchema.ts';
import type { ThrowawayDatabase } from './throwawayDatabase.testkit.ts';

export type ThrowawayServiceRole = Readonly<{
  role: string;
  /** Connected to the throwaway database as the role. */
  pool: pg.Pool;
  /** Ends the pool and drops the role; call it before the database is dropped. */
  drop: () => Promise<void>;
}>;

export async function createThrowawayServiceRole(database: ThrowawayDatabase): Promise<ThrowawayServiceRole> {
  const role = `bleep_test_service_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(16).toString('hex');
  await database.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  await grantServiceAccess(database.pool, role);
  const url = new URL(database.url);
  url.username = role;
  url.password = password;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  pool.on('error', () => undefined);
  return {
    role,
    pool,
    drop: async () => {
      await pool.end();
      // Its grants live in the throwaway database; the role itself is cluster-wide and must not outlive the test.
      await database.pool.query(`DROP OWNED BY ${role}`);
      await database.pool.query(`DROP ROLE ${role}`);
    },
  };
}
