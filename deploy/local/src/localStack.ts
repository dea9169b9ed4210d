// The local stack's operations: up, stop, reset and status of N trusts on this machine. Each trust is a chroot
// Synapse on its own PostgreSQL database, federating over TLS on loopback with the partners its policy lists.
import { execFile } from 'node:child_process';
import { access, chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureLocalCa, ensureTlsCertificate } from './certificates.ts';
import { homeserverYaml } from '../../synapse/renderConfig.ts';
import { localTrustNames, loadLocalTrust, type LocalTrust } from './localTrusts.ts';
import { renderLocalSynapseConfig, synapseLogConfig } from './localSynapseConfig.ts';
import {
  databaseUrl,
  dropTrustDatabase,
  ensurePostgresRunning,
  ensureTrustDatabase,
  localPostgres,
} from './postgres.ts';
import { StepError, type Reporter } from './progress.ts';
import { seedStaff, type SeededAccount } from './seedStaff.ts';
import { ensureSidRoot } from './sidRoot.ts';
import { stackLayout, databaseNameFor, type StackLayout } from './stackLayout.ts';
import { readStackState, writeStackState } from './stackState.ts';
import {
  isOurSynapse,
  logTail,
  startSynapse,
  type StartedSynapse,
  stopSynapse,
  synapseUserIn,
  waitForHealth,
} from './synapseProcess.ts';
import { trustFiles, type TrustFiles } from './trustFiles.ts';
import { ensureTrustSecrets, readSecret, secretFilesIn } from './trustSecrets.ts';

const execFileAsync = promisify(execFile);

/** What `status --json` prints for each running trust (the contract operators' scripts and tests rely on). */
export type RunningTrust = Readonly<{
  name: string;
  serverName: string;
  clientUrl: string;
  synapseUrl: string;
  federationUrl: string;
  registrationSharedSecret: string;
  databaseUrl: string;
}>;

export type TrustStatus =
  | Readonly<{ name: string; state: 'running'; pid: number; trust: RunningTrust }>
  | Readonly<{ name: string; state: 'crashed'; pid: number; logPath: string; logTail: string }>
  | Readonly<{ name: string; state: 'stopped' }>;

export const defaultCacheDir = process.env.BLEEP_CACHE_DIR ?? '/var/cache/bleep';

export function localLayout(): StackLayout {
  return stackLayout(defaultCacheDir);
}

function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new StepError(
      'the local stack runs Synapse under chroot and installs Debian packages: run it as root',
    );
  }
}

async function runningTrustInfo(layout: StackLayout, trust: LocalTrust): Promise<RunningTrust> {
  const secrets = secretFilesIn(trustFiles(layout, trust.name).keysDir);
  const dbName = databaseNameFor(trust.name);
  return {
    name: trust.name,
    serverName: trust.policy.trust.serverName,
    clientUrl: `http://127.0.0.1:${trust.ports.client}`,
    synapseUrl: `http://127.0.0.1:${trust.ports.synapseInternal}`,
    federationUrl: `https://${trust.policy.trust.serverName}`,
    registrationSharedSecret: await readSecret(secrets.registrationSharedSecret),
    databaseUrl: databaseUrl(localPostgres, dbName, await readSecret(secrets.databasePassword)),
  };
}

export async function stackStatus(layout: StackLayout = localLayout()): Promise<TrustStatus[]> {
  const state = await readStackState(layout.stackFile);
  const statuses: TrustStatus[] = [];
  for (const name of localTrustNames) {
    const record = state.trusts[name];
    if (!record) {
      statuses.push({ name, state: 'stopped' });
      continue;
    }
    const trust = await loadLocalTrust(name);
    const files = trustFiles(layout, name);
    if (await isOurSynapse(record.pid, join(files.chrootDir, 'homeserver.yaml'))) {
      statuses.push({
        name,
        state: 'running',
        pid: record.pid,
        trust: await runningTrustInfo(layout, trust),
      });
    } else {
      // Recorded as started but gone: Synapse crashed or was killed behind the runner's back. Say so.
      // Start-up failures only reach the console log (rewritten at each start); later ones are in Synapse's log.
      const tails: string[] = [];
      for (const path of [files.consoleLog, files.synapseLog]) {
        const tail = await logTail(path);
        if (tail !== '') tails.push(`==> ${path} <==\n${tail}`);
      }
      statuses.push({
        name,
        state: 'crashed',
        pid: record.pid,
        logPath: files.synapseLog,
        logTail: tails.join('\n'),
      });
    }
  }
  return statuses;
}

/** Every trust resolves the others' server names to loopback, inside the Synapse root. */
async function writeRootHosts(layout: StackLayout): Promise<void> {
  const names = localTrustNames.map((name) => `${name}.localhost`).join(' ');
  await writeFile(join(layout.sidRoot, 'etc/hosts'), `127.0.0.1 localhost ${names}\n::1 localhost\n`);
}

async function prepareTrust(layout: StackLayout, trust: LocalTrust, logPath: string): Promise<TrustFiles> {
  const files = trustFiles(layout, trust.name);
  // Recursive mkdir gives every new parent the same mode: make the traversable parents first.
  await mkdir(files.dir, { recursive: true, mode: 0o755 });
  await mkdir(files.keysDir, { recursive: true, mode: 0o700 });
  await mkdir(join(files.dir, 'media'), { recursive: true });
  const secrets = await ensureTrustSecrets(files.keysDir);
  const ca = await ensureLocalCa(layout.caDir, logPath);
  await ensureTlsCertificate(files.tlsDir, trust.hostname, ca, logPath);
  const dbName = databaseNameFor(trust.name);
  const password = await readSecret(secrets.databasePassword);
  await ensureTrustDatabase(dbName, password, logPath);
  const config = await renderLocalSynapseConfig({
    trust,
    files,
    chrootCaPath: join(layout.chrootStateDir, 'ca', 'ca.crt'),
    database: { target: localPostgres, name: dbName, password },
  });
  // Re-rendered at every start, so a policy change takes effect on the next `up`.
  await writeFile(files.configPath, homeserverYaml(config), { mode: 0o600 });
  await writeFile(join(files.dir, 'log.yaml'), synapseLogConfig(join(files.chrootDir, 'homeserver.log')));
  // Synapse runs unprivileged: it owns its own folder, and may read (not write) the CA certificate.
  const user = await synapseUserIn(layout.sidRoot);
  await execFileAsync('chown', ['-R', `${user.uid}:${user.gid}`, files.dir]);
  await chmod(layout.caDir, 0o755);
  await chmod(ca.keyPath, 0o600);
  await chmod(ca.certPath, 0o644);
  return files;
}

export type UpResult = Readonly<{
  trusts: RunningTrust[];
  seeded: Readonly<Record<string, SeededAccount[]>>;
}>;

export async function stackUp(
  names: readonly string[],
  reporter: Reporter,
  layout: StackLayout = localLayout(),
): Promise<UpResult> {
  requireRoot();
  const trusts = await Promise.all(names.map((name) => loadLocalTrust(name)));
  const logPath = join(layout.logDir, 'runner.log');
  await ensureSidRoot(layout.sidRoot, layout.logDir, reporter);
  await reporter.step('PostgreSQL', () => ensurePostgresRunning(localPostgres, logPath));
  await mkdir(layout.stateDir, { recursive: true });
  await writeRootHosts(layout);
  const user = await synapseUserIn(layout.sidRoot);

  const state = await readStackState(layout.stackFile);
  const statuses = await stackStatus(layout);
  const toStart: { trust: LocalTrust; files: TrustFiles }[] = [];
  for (const trust of trusts) {
    const status = statuses.find((entry) => entry.name === trust.name);
    if (status?.state === 'running') {
      reporter.info(`${trust.name} is already running (pid ${status.pid})`);
      continue;
    }
    if (status?.state === 'crashed') {
      reporter.info(
        `${trust.name} had stopped unexpectedly (pid ${status.pid}); last log lines:\n${status.logTail}`,
      );
    }
    const files = await reporter.step(`${trust.name}: config, certificates, database`, () =>
      prepareTrust(layout, trust, logPath),
    );
    toStart.push({ trust, files });
  }

  const started: { trust: LocalTrust; files: TrustFiles; synapse: StartedSynapse }[] = [];
  for (const { trust, files } of toStart) {
    await mkdir(layout.logDir, { recursive: true });
    const synapse = await startSynapse(
      layout.sidRoot,
      join(files.chrootDir, 'homeserver.yaml'),
      user,
      files.consoleLog,
    );
    state.trusts[trust.name] = { pid: synapse.pid, startedAt: new Date().toISOString() };
    // Recorded before waiting, so `stop` can end it even if the wait below fails.
    await writeStackState(layout.stackFile, state);
    started.push({ trust, files, synapse });
  }
  try {
    await Promise.all(
      started.map(({ trust, files, synapse }) =>
        reporter.step(`${trust.name}: Synapse healthy`, () =>
          waitForHealth(
            `http://127.0.0.1:${trust.ports.synapseInternal}/health`,
            synapse.exited,
            180_000,
            files.consoleLog,
          ),
        ),
      ),
    );
  } finally {
    // From here on the Synapses run on their own; this command may exit.
    for (const { synapse } of started) synapse.detach();
  }

  const running: RunningTrust[] = [];
  const seeded: Record<string, SeededAccount[]> = {};
  for (const trust of trusts) {
    const info = await runningTrustInfo(layout, trust);
    running.push(info);
    seeded[trust.name] = await reporter.step(`${trust.name}: seed staff accounts`, () =>
      seedStaff(trust.name, info.synapseUrl, info.registrationSharedSecret),
    );
  }
  return { trusts: running, seeded };
}

/** Stops the named trusts (all when none are named); by recorded pid only. */
export async function stackStop(
  names: readonly string[],
  reporter: Reporter,
  layout: StackLayout = localLayout(),
): Promise<void> {
  const state = await readStackState(layout.stackFile);
  const targets = names.length > 0 ? names : Object.keys(state.trusts);
  for (const name of targets) {
    const record = state.trusts[name];
    if (!record) {
      reporter.info(`${name} is not running`);
      continue;
    }
    const chrootConfig = join(trustFiles(layout, name).chrootDir, 'homeserver.yaml');
    await reporter.step(`${name}: stop Synapse (pid ${record.pid})`, () =>
      stopSynapse(record.pid, chrootConfig),
    );
    // Re-read: another trust's record may have changed while this one stopped.
    const latest = await readStackState(layout.stackFile);
    const rest = Object.fromEntries(
      Object.entries(latest.trusts).filter(([trustName]) => trustName !== name),
    );
    await writeStackState(layout.stackFile, { ...latest, trusts: rest });
  }
}

/** Stops everything and wipes all state (databases, keys, media, logs); the cached sid root stays. */
export async function stackReset(reporter: Reporter, layout: StackLayout = localLayout()): Promise<void> {
  requireRoot();
  await stackStop([], reporter, layout);
  const logPath = join(layout.logDir, 'runner.log');
  try {
    await access(layout.sidRoot);
  } catch {
    reporter.info('nothing to reset');
    return;
  }
  await reporter.step('PostgreSQL', () => ensurePostgresRunning(localPostgres, logPath));
  for (const name of localTrustNames) {
    await reporter.step(`${name}: drop database`, () => dropTrustDatabase(databaseNameFor(name), logPath));
  }
  await rm(layout.stateDir, { recursive: true, force: true });
  await rm(layout.logDir, { recursive: true, force: true });
}
