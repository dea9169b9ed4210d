// The machine's PostgreSQL: started (or installed from Debian) when it is not running, and one database and
// role per trust. Administration goes through psql as the postgres OS user over the local socket (peer
// authentication works on any Debian install); Synapse itself connects over TCP with its own role's password.
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ensureHostPackages } from './hostPackages.ts';
import { runLogged, StepError } from './progress.ts';

const execFileAsync = promisify(execFile);

export type PostgresTarget = Readonly<{ host: string; port: number }>;
export const localPostgres: PostgresTarget = { host: '127.0.0.1', port: 5432 };

async function isReady(target: PostgresTarget): Promise<boolean> {
  try {
    await execFileAsync('pg_isready', ['-q', '-h', target.host, '-p', String(target.port)]);
    return true;
  } catch {
    return false;
  }
}

export async function ensurePostgresRunning(target: PostgresTarget, logPath: string): Promise<void> {
  await ensureHostPackages(
    { pg_isready: 'postgresql-client', pg_ctlcluster: 'postgresql', psql: 'postgresql-client' },
    logPath,
  );
  if (await isReady(target)) return;
  const versions = await readdir('/etc/postgresql').catch(() => [] as string[]);
  const version = versions.sort().at(-1);
  if (!version) throw new StepError('PostgreSQL is installed but has no cluster in /etc/postgresql', logPath);
  await runLogged('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], logPath);
  for (let attempt = 0; attempt < 30; attempt += 1) {
    if (await isReady(target)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new StepError(`PostgreSQL did not become ready on ${target.host}:${target.port}`, logPath);
}

/** SQL string literal; the values here are generated names and secrets, quoted anyway. */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function identifier(value: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(value)) throw new StepError(`unsafe PostgreSQL identifier "${value}"`);
  return value;
}

async function adminSql(sql: string, logPath: string): Promise<void> {
  await runLogged(
    'runuser',
    ['-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'postgres'],
    logPath,
    {
      input: sql,
    },
  );
}

function loginRoleSql(id: string, password: string): string {
  return `DO $$ BEGIN
       IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal(id)}) THEN
         CREATE ROLE ${id} LOGIN PASSWORD ${literal(password)};
       ELSE
         ALTER ROLE ${id} LOGIN PASSWORD ${literal(password)};
       END IF;
     END $$;`;
}

/** Creates (or updates the password of) a login role that owns nothing, e.g. the one a service connects as. */
export async function ensureLoginRole(name: string, password: string, logPath: string): Promise<void> {
  await adminSql(loginRoleSql(identifier(name), password), logPath);
}

export async function dropRole(name: string, logPath: string): Promise<void> {
  await adminSql(`DROP ROLE IF EXISTS ${identifier(name)};\n`, logPath);
}

/** Creates (or updates the password of) the trust's role and creates its database: UTF8, C collation, as Synapse requires. */
export async function ensureTrustDatabase(name: string, password: string, logPath: string): Promise<void> {
  const id = identifier(name);
  await adminSql(
    `${loginRoleSql(id, password)}
     SELECT 'CREATE DATABASE ${id} OWNER ${id} ENCODING ''UTF8'' LC_COLLATE ''C'' LC_CTYPE ''C'' TEMPLATE template0'
       WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = ${literal(id)}) \\gexec
    `,
    logPath,
  );
}

export async function dropTrustDatabase(name: string, logPath: string): Promise<void> {
  const id = identifier(name);
  await adminSql(`DROP DATABASE IF EXISTS ${id} WITH (FORCE);\nDROP ROLE IF EXISTS ${id};\n`, logPath);
}

export function databaseUrl(target: PostgresTarget, name: string, password: string): string {
  return `postgres://${name}:${encodeURIComponent(password)}@${target.host}:${target.port}/${name}`;
}
