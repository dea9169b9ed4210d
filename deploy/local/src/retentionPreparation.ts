// What a trust's retention service needs before it starts, made as `bleep-retention migrate` and `grant-synapse`
// would in production: two login roles (the service's own, and the proof's read-only one), the retention tables in
// Bleep's database with the service role's grants, that role's and the proof role's access to Synapse's tables
// (once Synapse has made them), its own Synapse admin account, and its environment.
import { join } from 'node:path';
import pg from 'pg';
import {
  grantHeldRoomRead,
  grantRetentionAccess,
  grantSynapseAccess,
  migrateRetentionSchema,
} from '@bleep/retention-service';
import { ensureAdminToken, retentionServiceAccount } from './adminAccount.ts';
import type { LocalTrust } from './localTrusts.ts';
import { databaseUrl, ensureLoginRole, localPostgres } from './postgres.ts';
import { databaseNameFor, policyDatabaseNameFor } from './stackLayout.ts';
import type { TrustFiles } from './trustFiles.ts';
import { randomSecret, readSecret, secretFilesIn, writeSecretOnce } from './trustSecrets.ts';

/** The retention service's role: Bleep's retention tables, and in Synapse's database what it purges. */
export function retentionDatabaseRoleFor(trustName: string): string {
  return `${databaseNameFor(trustName)}_retention`;
}

/** The proof's role in Synapse's database: SELECT on the tables it checks, nothing else. */
export function proofDatabaseRoleFor(trustName: string): string {
  return `${databaseNameFor(trustName)}_retention_proof`;
}

const retentionPasswordFile = 'retention_database_password';
const proofPasswordFile = 'retention_proof_database_password';
const reportTokenFile = 'retention_report_token';

/**
 * The bearer token the retention service's /report asks for (RETENTION_REPORT_TOKEN), made once and kept in the
 * trust's Bleep secrets. Made on first read, so a trust started before it existed gets one at its next start.
 */
export async function retentionReportToken(files: TrustFiles): Promise<string> {
  const path = join(files.bleepSecretsDir, reportTokenFile);
  await writeSecretOnce(path, randomSecret);
  return readSecret(path);
}

/** Both login roles, with passwords made once and kept in the trust's Bleep secrets. */
export async function ensureRetentionRoles(
  files: TrustFiles,
  trustName: string,
  logPath: string,
): Promise<void> {
  for (const [role, file] of [
    [retentionDatabaseRoleFor(trustName), retentionPasswordFile],
    [proofDatabaseRoleFor(trustName), proofPasswordFile],
  ] as const) {
    const path = join(files.bleepSecretsDir, file);
    await writeSecretOnce(path, randomSecret);
    await ensureLoginRole(role, await readSecret(path), logPath);
  }
}

/**
 * The retention tables in Bleep's database and the service role's grants there, and the gateway role's read of
 * the held rooms (GET /_bleep/legal-holds); `owner` is the database's owner.
 */
export async function prepareRetentionTables(
  owner: pg.Pool,
  trustName: string,
  gatewayRole: string,
): Promise<void> {
  await migrateRetentionSchema(owner);
  await grantRetentionAccess(owner, retentionDatabaseRoleFor(trustName));
  await grantHeldRoomRead(owner, gatewayRole);
}

/** The two roles' access to Synapse's tables, as their owner; Synapse must have made its schema (it has started). */
export async function grantRetentionSynapseAccess(files: TrustFiles, trustName: string): Promise<void> {
  const name = databaseNameFor(trustName);
  const password = await readSecret(secretFilesIn(files.keysDir).databasePassword);
  const owner = new pg.Pool({ connectionString: databaseUrl(localPostgres, name, password), max: 1 });
  try {
    await grantSynapseAccess(owner, {
      purgeRole: retentionDatabaseRoleFor(trustName),
      proofRole: proofDatabaseRoleFor(trustName),
    });
  } finally {
    await owner.end();
  }
}

async function roleUrl(
  files: TrustFiles,
  database: string,
  role: string,
  passwordFile: string,
): Promise<string> {
  const url = new URL(
    databaseUrl(localPostgres, database, await readSecret(join(files.bleepSecretsDir, passwordFile))),
  );
  url.username = role;
  return url.toString();
}

/** The service's environment (and trust IT's `bleep-retention` command's) for a running local trust. */
export async function retentionEnv(
  trust: LocalTrust,
  files: TrustFiles,
  synapseUrl: string,
  registrationSharedSecret: string,
): Promise<Record<string, string>> {
  const synapseDatabase = databaseNameFor(trust.name);
  const role = retentionDatabaseRoleFor(trust.name);
  return {
    BLEEP_POLICY_PATH: trust.policyPath,
    SYNAPSE_ADMIN_URL: synapseUrl,
    SYNAPSE_ADMIN_TOKEN: await ensureAdminToken(
      files.bleepSecretsDir,
      synapseUrl,
      registrationSharedSecret,
      retentionServiceAccount,
    ),
    SYNAPSE_DATABASE_URL: await roleUrl(files, synapseDatabase, role, retentionPasswordFile),
    SYNAPSE_PROOF_DATABASE_URL: await roleUrl(
      files,
      synapseDatabase,
      proofDatabaseRoleFor(trust.name),
      proofPasswordFile,
    ),
    BLEEP_DATABASE_URL: await roleUrl(files, policyDatabaseNameFor(trust.name), role, retentionPasswordFile),
    SYNAPSE_MEDIA_STORE_PATH: join(files.dir, 'media'),
    RETENTION_BIND_ADDRESS: '127.0.0.1',
    RETENTION_PORT: String(trust.ports.retention),
    RETENTION_REPORT_TOKEN: await retentionReportToken(files),
    // Test-only, like Synapse's rate limits in local-test-overrides.yaml: integration tests purge what is a few
    // seconds old, so the to-device stream position is recorded every 2 s rather than every minute, and a scheduled
    // run spreads its rooms over 10 s rather than 5 minutes (a test's own run waits for the scheduled one).
    RETENTION_STREAM_MARK_SECONDS: '2',
    RETENTION_SPREAD_SECONDS: '10',
  };
}
