// The local stack's operations: up, stop, reset and status of N trusts on this machine. Each trust is a chroot
// Synapse on its own PostgreSQL database, behind its policy gateway, which owns the trust's public ports:
// clients', and federation over TLS on loopback with the partners its policy lists.
import { access, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureAdminToken } from './adminAccount.ts';
import { gatewayMain, gatewayMarkers, startGateway } from './gatewayProcess.ts';
import { stackCodeVersion } from './stackCodeVersion.ts';
import { ensureGatewayUser, gatewayUserName } from './gatewayUser.ts';
import { ensureLocalTrustDirectory, type LocalDirectory } from './localDirectory.ts';
import { localTrustNames, loadLocalTrust, type LocalTrust } from './localTrusts.ts';
import { isOurProcess, logTail, stopOurProcess, waitForHealth, type StartedProcess } from './ownedProcess.ts';
import {
  databaseUrl,
  dropRole,
  dropTrustDatabase,
  ensurePostgresRunning,
  localPostgres,
} from './postgres.ts';
import { StepError, type Reporter } from './progress.ts';
import { resetStaffPasswords, seedStaff, type SeededAccount } from './seedStaff.ts';
import { ensureSidRoot } from './sidRoot.ts';
import { databaseNameFor, stackLayout, type StackLayout } from './stackLayout.ts';
import { readStackState, writeStackState, type StackState } from './stackState.ts';
import { ensureSynapseUser, startSynapse, synapseMarkers } from './synapseProcess.ts';
import { trustFiles, type TrustFiles } from './trustFiles.ts';
import {
  gatewayDatabaseRoleFor,
  policyDatabaseNameFor,
  policyDatabaseUrl,
  prepareTrust,
} from './trustPreparation.ts';
import { readSecret, secretFilesIn } from './trustSecrets.ts';
import { writeRootHosts } from './rootHosts.ts';

/** What `status --json` prints for each running trust (the contract operators' scripts and tests rely on). */
export type RunningTrust = Readonly<{
  name: string;
  serverName: string;
  /** The gateway: where clients connect. */
  clientUrl: string;
  /** Synapse's own internal client listener, with the admin API. */
  synapseUrl: string;
  /** The gateway's federation TLS port: the address in the server name. */
  federationUrl: string;
  registrationSharedSecret: string;
  /** Synapse's database. */
  databaseUrl: string;
  /** Bleep's own database for this trust: device enrolments and the audit trail. */
  policyDatabaseUrl: string;
}>;

export type TrustStatus =
  | Readonly<{ name: string; state: 'running'; pid: number; gatewayPid: number; trust: RunningTrust }>
  | Readonly<{ name: string; state: 'crashed'; problem: string; logTail: string }>
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
  const files = trustFiles(layout, trust.name);
  const secrets = secretFilesIn(files.keysDir);
  const dbName = databaseNameFor(trust.name);
  return {
    name: trust.name,
    serverName: trust.policy.trust.serverName,
    clientUrl: `http://127.0.0.1:${trust.ports.client}`,
    synapseUrl: `http://127.0.0.1:${trust.ports.synapseInternal}`,
    federationUrl: `https://${trust.policy.trust.serverName}`,
    registrationSharedSecret: await readSecret(secrets.registrationSharedSecret),
    databaseUrl: databaseUrl(localPostgres, dbName, await readSecret(secrets.databasePassword)),
    policyDatabaseUrl: await policyDatabaseUrl(files, trust.name),
  };
}

async function endOfLogs(paths: readonly string[]): Promise<string> {
  const tails: string[] = [];
  for (const path of paths) {
    const tail = await logTail(path);
    if (tail !== '') tails.push(`==> ${path} <==\n${tail}`);
  }
  return tails.join('\n');
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
    const files = trustFiles(layout, name);
    const synapseUp = await isOurProcess(
      record.pid,
      synapseMarkers(join(files.chrootDir, 'homeserver.yaml')),
    );
    const gatewayUp = await isOurProcess(record.gatewayPid, gatewayMarkers(name));
    if (synapseUp && gatewayUp) {
      const trust = await loadLocalTrust(name);
      try {
        statuses.push({
          name,
          state: 'running',
          pid: record.pid,
          gatewayPid: record.gatewayPid,
          trust: await runningTrustInfo(layout, trust),
        });
      } catch (error) {
        // Started by an older runner whose files differ (e.g. a secret added since): `up` replaces it whole.
        statuses.push({
          name,
          state: 'crashed',
          problem: `it runs, but its files are incomplete (${(error as Error).message}); \`up\` restarts it`,
          logTail: '',
        });
      }
      continue;
    }
    // Recorded as started but gone: crashed or killed behind the runner's back. Say so, with the logs' end.
    const gone = [
      synapseUp ? [] : [`Synapse (pid ${record.pid})`],
      gatewayUp ? [] : [`gateway (pid ${record.gatewayPid})`],
    ].flat();
    statuses.push({
      name,
      state: 'crashed',
      problem: `${gone.join(' and ')} stopped unexpectedly`,
      logTail: await endOfLogs([
        ...(synapseUp ? [] : [files.consoleLog, files.synapseLog]),
        ...(gatewayUp ? [] : [files.gatewayLog]),
      ]),
    });
  }
  return statuses;
}

function gatewayEnv(
  trust: LocalTrust,
  files: TrustFiles,
  directory: LocalDirectory,
  policyDbUrl: string,
): Record<string, string> {
  return {
    BLEEP_POLICY_PATH: trust.policyPath,
    SYNAPSE_URL: `http://127.0.0.1:${trust.ports.synapseInternal}`,
    SYNAPSE_FEDERATION_URL: `http://127.0.0.1:${trust.ports.synapseFederationInternal}`,
    BLEEP_DATABASE_URL: policyDbUrl,
    TRUST_DIRECTORY_PATH: directory.directoryPath,
    TRUST_DIRECTORY_PUBLIC_KEY_PATH: directory.publicKeyPath,
    GATEWAY_BIND_ADDRESS: '127.0.0.1',
    GATEWAY_CLIENT_PORT: String(trust.ports.client),
    GATEWAY_FEDERATION_PORT: String(trust.ports.federation),
    GATEWAY_METRICS_PORT: String(trust.ports.gatewayMetrics),
    TLS_CERT_PATH: join(files.tlsDir, 'tls.crt'),
    TLS_KEY_PATH: join(files.tlsDir, 'tls.key'),
    // Test-only, like Synapse's rate limits in local-test-overrides.yaml: every test run signs in from 127.0.0.1
    // and some attempts fail on purpose; the production limit (20 per 15 minutes) has its own unit test.
    GATEWAY_FAILED_ATTEMPTS_PER_WINDOW: '10000',
  };
}

type Starting = {
  trust: LocalTrust;
  files: TrustFiles;
  process: StartedProcess;
  what: string;
  healthUrl: string;
  log: string;
};

async function waitUntilHealthy(starting: readonly Starting[], reporter: Reporter): Promise<void> {
  try {
    await Promise.all(
      starting.map((entry) =>
        reporter.step(`${entry.trust.name}: ${entry.what} healthy`, () =>
          waitForHealth(entry.what, entry.healthUrl, entry.process.exited, 180_000, entry.log),
        ),
      ),
    );
  } finally {
    // From here on the processes run on their own; this command may exit.
    for (const entry of starting) entry.process.detach();
  }
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
  await mkdir(layout.logDir, { recursive: true });
  await writeRootHosts(layout.sidRoot, localTrustNames);
  const directory = await reporter.step('trust directory (signed by the local directory authority)', () =>
    ensureLocalTrustDirectory(layout.directoryDir, localTrustNames),
  );
  const user = await ensureSynapseUser(layout.sidRoot, logPath);
  const gatewayUser = await ensureGatewayUser(
    [
      gatewayMain,
      process.execPath,
      fileURLToPath(import.meta.resolve('express/package.json')),
      ...trusts.map((trust) => trust.policyPath),
    ],
    logPath,
  );
  if (!gatewayUser) {
    reporter.info(
      `The gateways run as root: user ${gatewayUserName} cannot read this checkout (move it out of a private home).`,
    );
  }

  const state: StackState = await readStackState(layout.stackFile);
  const statuses = await stackStatus(layout);
  const codeVersion = await stackCodeVersion();
  const toStart: { trust: LocalTrust; files: TrustFiles }[] = [];
  for (const trust of trusts) {
    const status = statuses.find((entry) => entry.name === trust.name);
    const runningCode = state.trusts[trust.name]?.codeVersion;
    if (status?.state === 'running' && runningCode === codeVersion) {
      reporter.info(
        `${trust.name} is already running (Synapse pid ${status.pid}, gateway pid ${status.gatewayPid})`,
      );
      continue;
    }
    if (status?.state === 'running') {
      // Another clone's code, or this one's before an edit, would answer: replace it with what is checked out.
      reporter.info(
        `${trust.name} runs other code (${runningCode || 'unknown'}); restarting it with ${codeVersion}`,
      );
      await stopTrustProcesses(layout, trust.name, state);
    }
    if (status?.state === 'crashed') {
      reporter.info(
        status.logTail === ''
          ? `${trust.name}: ${status.problem}`
          : `${trust.name}: ${status.problem}; end of its logs:\n${status.logTail}`,
      );
      // Whatever half is still running is stopped, so the trust starts whole.
      await stopTrustProcesses(layout, trust.name, state);
    }
    const files = await reporter.step(`${trust.name}: config, certificates, databases`, () =>
      prepareTrust(layout, trust, logPath, { synapse: user, gateway: gatewayUser }),
    );
    toStart.push({ trust, files });
  }

  const synapses: Starting[] = [];
  for (const { trust, files } of toStart) {
    const process = await startSynapse(
      layout.sidRoot,
      join(files.chrootDir, 'homeserver.yaml'),
      user,
      files.consoleLog,
    );
    // Recorded before waiting, so `stop` can end it even if the wait below fails.
    state.trusts[trust.name] = {
      pid: process.pid,
      gatewayPid: 0,
      startedAt: new Date().toISOString(),
      codeVersion,
    };
    await writeStackState(layout.stackFile, state);
    synapses.push({
      trust,
      files,
      process,
      what: 'Synapse',
      healthUrl: `http://127.0.0.1:${trust.ports.synapseInternal}/health`,
      log: files.consoleLog,
    });
  }
  await waitUntilHealthy(synapses, reporter);

  const gateways: Starting[] = [];
  for (const { trust, files } of toStart) {
    const env = gatewayEnv(trust, files, directory, await policyDatabaseUrl(files, trust.name));
    const process = await startGateway(trust.name, env, files.gatewayLog, gatewayUser);
    const record = state.trusts[trust.name];
    if (record) record.gatewayPid = process.pid;
    await writeStackState(layout.stackFile, state);
    gateways.push({
      trust,
      files,
      process,
      what: 'policy gateway',
      healthUrl: `http://127.0.0.1:${trust.ports.client}/_bleep/health`,
      log: files.gatewayLog,
    });
  }
  await waitUntilHealthy(gateways, reporter);

  const running: RunningTrust[] = [];
  const seeded: Record<string, SeededAccount[]> = {};
  for (const trust of trusts) {
    const info = await runningTrustInfo(layout, trust);
    running.push(info);
    seeded[trust.name] = await reporter.step(`${trust.name}: service and seed staff accounts`, async () => {
      await ensureAdminToken(
        trustFiles(layout, trust.name).bleepSecretsDir,
        info.synapseUrl,
        info.registrationSharedSecret,
      );
      return seedStaff(trust.name, info.synapseUrl, info.registrationSharedSecret);
    });
  }
  return { trusts: running, seeded };
}

async function stopTrustProcesses(layout: StackLayout, name: string, state: StackState): Promise<void> {
  const record = state.trusts[name];
  if (!record) return;
  // The gateway first, so clients get its clear "homeserver unavailable" error rather than a refused connection.
  if (record.gatewayPid > 0) await stopOurProcess(record.gatewayPid, gatewayMarkers(name));
  await stopOurProcess(
    record.pid,
    synapseMarkers(join(trustFiles(layout, name).chrootDir, 'homeserver.yaml')),
  );
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
    if (!state.trusts[name]) {
      reporter.info(`${name} is not running`);
      continue;
    }
    await reporter.step(`${name}: stop gateway and Synapse`, () => stopTrustProcesses(layout, name, state));
    // Re-read: another trust's record may have changed while this one stopped.
    const latest = await readStackState(layout.stackFile);
    const rest = Object.fromEntries(
      Object.entries(latest.trusts).filter(([trustName]) => trustName !== name),
    );
    await writeStackState(layout.stackFile, { ...latest, trusts: rest });
  }
}

/** New passwords for a running trust's seed staff (their sessions end); for when the first ones were not seen. */
export async function stackStaffPasswords(
  name: string,
  layout: StackLayout = localLayout(),
): Promise<SeededAccount[]> {
  requireRoot();
  await loadLocalTrust(name); // an unknown name is said so, not reported as "not running"
  const status = (await stackStatus(layout)).find((entry) => entry.name === name);
  if (status?.state !== 'running')
    throw new StepError(`${name} is not running: start it with \`up ${name}\``);
  const info = status.trust;
  const adminToken = await ensureAdminToken(
    trustFiles(layout, name).bleepSecretsDir,
    info.synapseUrl,
    info.registrationSharedSecret,
  );
  return resetStaffPasswords(name, info.serverName, info.synapseUrl, adminToken);
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
    await reporter.step(`${name}: drop databases`, async () => {
      await dropTrustDatabase(databaseNameFor(name), logPath);
      await dropTrustDatabase(policyDatabaseNameFor(name), logPath);
      await dropRole(gatewayDatabaseRoleFor(name), logPath);
    });
  }
  await rm(layout.stateDir, { recursive: true, force: true });
  await rm(layout.logDir, { recursive: true, force: true });
}
