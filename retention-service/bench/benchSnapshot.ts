// The seeded data's snapshot: Synapse's database and Bleep's, copied with PostgreSQL's CREATE DATABASE ... TEMPLATE
// while Synapse is stopped (a file copy: seconds for a few hundred megabytes, far faster than seeding again), kept
// between bench runs under names keyed by the seed parameters, and copied back before each contender so each sees
// the same data. Administration goes through psql as the postgres OS user, as the local runner's does.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { databaseNameFor, policyDatabaseNameFor } from '../../deploy/local/src/stackLayout.ts';
import { benchTrustName } from './benchHomeserver.ts';

const execFileAsync = promisify(execFile);

const working = {
  synapse: databaseNameFor(benchTrustName),
  policy: policyDatabaseNameFor(benchTrustName),
} as const;

function identifier(value: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) throw new Error(`unsafe PostgreSQL identifier "${value}"`);
  return value;
}

/** The snapshot's databases for a seed key (a copy of each working database). */
function snapshotNames(key: string): { synapse: string; policy: string } {
  return {
    synapse: identifier(`${working.synapse}_seed_${key}`.toLowerCase()),
    policy: identifier(`${working.policy}_seed_${key}`.toLowerCase()),
  };
}

async function adminSql(sql: string): Promise<string> {
  const { stdout } = await execFileAsync('runuser', [
    '-u',
    'postgres',
    '--',
    'psql',
    '-X',
    '-q',
    '-At',
    '-v',
    'ON_ERROR_STOP=1',
    '-d',
    'postgres',
    '-c',
    sql,
  ]);
  return stdout.trim();
}

async function exists(name: string): Promise<boolean> {
  return (await adminSql(`SELECT count(*) FROM pg_database WHERE datname = '${identifier(name)}'`)) === '1';
}

/** Copies `source` to `target` (dropping any old `target`); nobody may be connected to `source`. */
async function copyDatabase(source: string, target: string, owner: string): Promise<void> {
  await adminSql(`DROP DATABASE IF EXISTS ${identifier(target)} WITH (FORCE)`);
  await adminSql(
    `CREATE DATABASE ${identifier(target)} TEMPLATE ${identifier(source)} OWNER ${identifier(owner)} STRATEGY FILE_COPY`,
  );
}

export async function hasSnapshot(key: string): Promise<boolean> {
  const names = snapshotNames(key);
  return (await exists(names.synapse)) && (await exists(names.policy));
}

/** Drops the working databases, so the runner makes them afresh (empty) for a new seed. */
export async function dropWorkingDatabases(): Promise<void> {
  await adminSql(`DROP DATABASE IF EXISTS ${working.synapse} WITH (FORCE)`);
  await adminSql(`DROP DATABASE IF EXISTS ${working.policy} WITH (FORCE)`);
}

/** Keeps the working databases as the snapshot for `key`. Synapse must be stopped. */
export async function takeSnapshot(key: string): Promise<void> {
  const names = snapshotNames(key);
  await copyDatabase(working.synapse, names.synapse, working.synapse);
  await copyDatabase(working.policy, names.policy, working.policy);
}

/** Replaces the working databases with the snapshot for `key`. Synapse must be stopped. */
export async function restoreSnapshot(key: string): Promise<void> {
  const names = snapshotNames(key);
  await copyDatabase(names.synapse, working.synapse, working.synapse);
  await copyDatabase(names.policy, working.policy, working.policy);
}

/** The bench's snapshot databases for other seed keys (kept; listed so the bench can say how to drop them). */
export async function otherSnapshots(key: string): Promise<string[]> {
  const names = snapshotNames(key);
  const rows = await adminSql(
    `SELECT datname FROM pg_database WHERE datname LIKE '${working.synapse}%\\_seed\\_%' ORDER BY datname`,
  );
  return rows.split('\n').filter((name) => name !== '' && name !== names.synapse && name !== names.policy);
}
