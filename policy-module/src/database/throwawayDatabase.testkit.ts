// Test support, not used in production: a fresh PostgreSQL database on the local server for one test file, so
// tests run against real PostgreSQL without touching anyone's data. The server is reached as in CI (127.0.0.1,
// user postgres, trust auth) unless BLEEP_TEST_POSTGRES_URL names another maintenance database.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type ThrowawayDatabase = Readonly<{
  name: string;
  url: string;
  pool: pg.Pool;
  drop: () => Promise<void>;
}>;

export async function createThrowawayDatabase(prefix = 'bleep_test'): Promise<ThrowawayDatabase> {
  const serverUrl = process.env.BLEEP_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  // pool.end() resolves before its connections have finished closing; the drop below may cut one short, and
  // that is the end of the test database, not a failure.
  pool.on('error', () => undefined);
  return {
    name,
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      try {
        // PostgreSQL waits a few seconds for closing connections to go; FORCE only for one that will not (a child
        // process killed mid-test).
        await dropper.query(`DROP DATABASE IF EXISTS ${name}`).catch(async () => {
          await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        });
      } finally {
        await dropper.end();
      }
    },
  };
}
