// Everything one trust needs on disk and in PostgreSQL before its processes start: secrets, TLS certificate,
// Synapse's database and Bleep's own, and the rendered Synapse configuration.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { grantServiceAccess, migrateBleepSchema } from '@bleep/policy-module';
import { homeserverYaml } from '../../synapse/renderConfig.ts';
import { ensureLocalCa, ensureTlsCertificate } from './certificates.ts';
import type { LocalDirectory } from './localDirectory.ts';
import type { LocalTrust } from './localTrusts.ts';
import { renderLocalSynapseConfig, synapseLogConfig } from './localSynapseConfig.ts';
import { databaseUrl, ensureLoginRole, ensureTrustDatabase, localPostgres } from './postgres.ts';
import { databaseNameFor, policyDatabaseNameFor, type StackLayout } from './stackLayout.ts';
import type { GatewayUser } from './gatewayUser.ts';
import type { SynapseUser } from './synapseProcess.ts';
import { trustFiles, type TrustFiles } from './trustFiles.ts';
import { ensureRetentionRoles, prepareRetentionTables } from './retentionPreparation.ts';
import { testAppServiceFile, testAppServiceRegistration } from './testAppService.ts';
import { ensureTrustSecrets, randomSecret, readSecret, writeSecretOnce } from './trustSecrets.ts';

const execFileAsync = promisify(execFile);

/** The key sealing the clinicians' cross-signing identities in Bleep's database (policy-module identity/). */
export function identitySealingKeyPath(files: TrustFiles): string {
  return join(files.gatewaySecretsDir, 'identity-sealing.key');
}

/** The role the gateway (and trust IT's command) connects as: it owns nothing and cannot alter the audit trail. */
export function gatewayDatabaseRoleFor(trustName: string): string {
  return `${databaseNameFor(trustName)}_gateway`;
}

const ownerPasswordFile = 'policy_database_password';
const gatewayPasswordFile = 'gateway_database_password';

/** Bleep's database as the gateway reaches it: through its own unprivileged role. */
export async function policyDatabaseUrl(files: TrustFiles, trustName: string): Promise<string> {
  const password = await readSecret(join(files.bleepSecretsDir, gatewayPasswordFile));
  const url = new URL(databaseUrl(localPostgres, policyDatabaseNameFor(trustName), password));
  url.username = gatewayDatabaseRoleFor(trustName);
  return url.toString();
}

/**
 * Bleep's database with its owner, its tables made or updated by the migrations (as `bleep-policy migrate` and
 * `bleep-retention migrate` do in production), and the gateway's and the retention service's roles given just their
 * access.
 */
async function preparePolicyDatabase(files: TrustFiles, trustName: string, logPath: string): Promise<void> {
  const ownerPasswordPath = join(files.bleepSecretsDir, ownerPasswordFile);
  await writeSecretOnce(ownerPasswordPath, randomSecret);
  const ownerPassword = await readSecret(ownerPasswordPath);
  const name = policyDatabaseNameFor(trustName);
  await ensureTrustDatabase(name, ownerPassword, logPath);
  const gatewayPasswordPath = join(files.bleepSecretsDir, gatewayPasswordFile);
  await writeSecretOnce(gatewayPasswordPath, randomSecret);
  await ensureLoginRole(gatewayDatabaseRoleFor(trustName), await readSecret(gatewayPasswordPath), logPath);
  await ensureRetentionRoles(files, trustName, logPath);
  const owner = new pg.Pool({ connectionString: databaseUrl(localPostgres, name, ownerPassword), max: 1 });
  try {
    await migrateBleepSchema(owner);
    await grantServiceAccess(owner, gatewayDatabaseRoleFor(trustName));
    await prepareRetentionTables(owner, trustName, gatewayDatabaseRoleFor(trustName));
  } finally {
    await owner.end();
  }
}

export async function prepareTrust(
  layout: StackLayout,
  trust: LocalTrust,
  logPath: string,
  users: Readonly<{ synapse: SynapseUser; gateway: GatewayUser | undefined }>,
  directory: LocalDirectory,
): Promise<TrustFiles> {
  const files = trustFiles(layout, trust.name);
  // Recursive mkdir gives every new parent the same mode: make the traversable parents first.
  await mkdir(files.dir, { recursive: true, mode: 0o755 });
  await mkdir(files.keysDir, { recursive: true, mode: 0o700 });
  await mkdir(join(files.dir, 'media'), { recursive: true });
  await mkdir(files.bleepSecretsDir, { recursive: true, mode: 0o700 });
  // Its parent only lists the trusts' folders, each the gateway's own: the gateway must be able to pass through it.
  await mkdir(dirname(files.gatewaySecretsDir), { recursive: true, mode: 0o755 });
  await chmod(dirname(files.gatewaySecretsDir), 0o755);
  await mkdir(files.gatewaySecretsDir, { recursive: true, mode: 0o700 });
  await writeSecretOnce(identitySealingKeyPath(files), () => randomBytes(32).toString('base64'));
  const secrets = await ensureTrustSecrets(files.keysDir);
  const ca = await ensureLocalCa(layout.caDir, logPath);
  await ensureTlsCertificate(files.tlsDir, trust.hostname, ca, logPath);

  const dbName = databaseNameFor(trust.name);
  const password = await readSecret(secrets.databasePassword);
  await ensureTrustDatabase(dbName, password, logPath);
  await preparePolicyDatabase(files, trust.name, logPath);

  const config = await renderLocalSynapseConfig({
    trust,
    files,
    directory,
    chrootCaPath: join(layout.chrootStateDir, 'ca', 'ca.crt'),
    database: { target: localPostgres, name: dbName, password },
  });
  // Re-rendered at every start, so a policy change takes effect on the next `up`.
  await writeFile(files.configPath, homeserverYaml(config), { mode: 0o600 });
  await writeFile(join(files.dir, 'log.yaml'), synapseLogConfig(join(files.chrootDir, 'homeserver.log')));
  const appServiceTokens = {
    asToken: await readSecret(secrets.testAppServiceToken),
    hsToken: await readSecret(secrets.testAppServiceHsToken),
  };
  await writeFile(join(files.dir, testAppServiceFile), testAppServiceRegistration(appServiceTokens), {
    mode: 0o600,
  });
  // Synapse runs unprivileged: it owns its own folder, and may read (not write) the CA certificate. The TLS key
  // belongs to the gateway, which terminates TLS, and to nobody else.
  const { synapse, gateway } = users;
  await execFileAsync('chown', ['-R', `${synapse.uid}:${synapse.gid}`, files.dir]);
  const tlsOwner = gateway ? `${gateway.uid}:${gateway.gid}` : '0:0';
  await execFileAsync('chown', ['-R', tlsOwner, files.tlsDir]);
  await chmod(files.tlsDir, 0o700);
  await execFileAsync('chown', ['-R', tlsOwner, files.gatewaySecretsDir]);
  await chmod(layout.caDir, 0o755);
  await chmod(ca.keyPath, 0o600);
  await chmod(ca.certPath, 0o644);
  return files;
}
