// `up`: builds what is missing (sid root, PostgreSQL, certificates, databases, the signed directory) and starts
// each trust: its Synapse, then its policy gateway in front of it, then its retention service beside it, then its
// service and seed staff accounts. A trust already running this checkout's code is left alone; one that crashed or
// runs other code is restarted. Then the client app (clientAppUp.ts) and, for a person to enrol the browser they
// open it in, a fresh enrolment code per client-facing trust.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureAdminToken } from './adminAccount.ts';
import { gatewayMain, startGateway } from './gatewayProcess.ts';
import { stackCodeVersion } from './stackCodeVersion.ts';
import { ensureGatewayUser, gatewayUserName } from './gatewayUser.ts';
import { ensureLocalTrustDirectory, type LocalDirectory } from './localDirectory.ts';
import { defaultTrustNames, localTrustNames, loadLocalTrust, type LocalTrust } from './localTrusts.ts';
import { waitForHealth, type StartedProcess } from './ownedProcess.ts';
import { ensurePostgresRunning, localPostgres } from './postgres.ts';
import type { Reporter } from './progress.ts';
import { seedStaff, type SeededAccount } from './seedStaff.ts';
import { ensureSidRoot } from './sidRoot.ts';
import type { StackLayout } from './stackLayout.ts';
import { readStackState, writeStackState, type StackState } from './stackState.ts';
import { ensureSynapseUser, startSynapse } from './synapseProcess.ts';
import { trustFiles, type TrustFiles } from './trustFiles.ts';
import { identitySealingKeyPath, policyDatabaseUrl, prepareTrust } from './trustPreparation.ts';
import { writeRootHosts } from './rootHosts.ts';
import { grantRetentionSynapseAccess, retentionEnv } from './retentionPreparation.ts';
import { retentionMain, retentionUserName, startRetention } from './retentionProcess.ts';
import { ensureServiceUser } from './systemUser.ts';
import { readSecret, secretFilesIn } from './trustSecrets.ts';
import { localLayout, requireRoot } from './localLayout.ts';
import { stackStatus, runningTrustInfo, type RunningTrust } from './stackStatus.ts';
import { withStackLock } from './stackLock.ts';
import { stopTrustProcesses } from './stackStop.ts';
import { ensureClientApp } from './clientAppUp.ts';
import { issueDemoEnrolment, type DemoEnrolment } from './demoEnrolment.ts';

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
    IDENTITY_SEALING_KEY_PATH: identitySealingKeyPath(files),
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
  /** Where a person opens Bleep in a browser. */
  clientAppUrl: string;
  /** One new code per client-facing trust that runs; none when asked not to issue them. */
  demoEnrolments: DemoEnrolment[];
}>;

export type UpOptions = Readonly<{
  /** Issue a demo desktop's enrolment code per client-facing trust (not for logs that others read). */
  demoEnrolments: boolean;
}>;

export async function stackUp(
  names: readonly string[],
  reporter: Reporter,
  layout: StackLayout = localLayout(),
  options: UpOptions = { demoEnrolments: true },
): Promise<UpResult> {
  requireRoot();
  return withStackLock(layout.lockFile, () => stackUpLocked(names, reporter, layout, options), {
    onWait: (pid) => {
      reporter.info(`waiting for another stack command (pid ${pid}) to finish`);
    },
  });
}

async function stackUpLocked(
  names: readonly string[],
  reporter: Reporter,
  layout: StackLayout,
  options: UpOptions,
): Promise<UpResult> {
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
  const retentionUser = await ensureServiceUser(
    retentionUserName,
    [
      retentionMain,
      process.execPath,
      fileURLToPath(import.meta.resolve('express/package.json')),
      ...trusts.map((trust) => trust.policyPath),
      // The proof reads (never writes) Synapse's media store.
      ...trusts.map((trust) => join(trustFiles(layout, trust.name).dir, 'media')),
    ],
    logPath,
  );
  if (!retentionUser) {
    reporter.info(
      `The retention services run as root: user ${retentionUserName} cannot read this checkout or the media stores.`,
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
        `${trust.name} is already running (Synapse pid ${status.pid}, gateway pid ${status.gatewayPid}, retention pid ${status.retentionPid})`,
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
      prepareTrust(layout, trust, logPath, { synapse: user, gateway: gatewayUser }, directory),
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
      retentionPid: 0,
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

  const retentions: Starting[] = [];
  for (const { trust, files } of toStart) {
    await reporter.step(`${trust.name}: retention service's access to Synapse's tables`, () =>
      grantRetentionSynapseAccess(files, trust.name),
    );
    const synapseUrl = `http://127.0.0.1:${trust.ports.synapseInternal}`;
    const sharedSecret = await readSecret(secretFilesIn(files.keysDir).registrationSharedSecret);
    const env = await retentionEnv(trust, files, synapseUrl, sharedSecret);
    const process = await startRetention(trust.name, env, files.retentionLog, retentionUser);
    const record = state.trusts[trust.name];
    if (record) record.retentionPid = process.pid;
    await writeStackState(layout.stackFile, state);
    retentions.push({
      trust,
      files,
      process,
      what: 'retention service',
      healthUrl: `http://127.0.0.1:${trust.ports.retention}/healthz`,
      log: files.retentionLog,
    });
  }
  await waitUntilHealthy(retentions, reporter);

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
      return seedStaff(info);
    });
  }

  const clientAppUrl = await ensureClientApp(layout, reporter, logPath);
  const demoEnrolments: DemoEnrolment[] = [];
  if (options.demoEnrolments) {
    for (const status of await stackStatus(layout)) {
      if (status.state !== 'running' || !(defaultTrustNames as readonly string[]).includes(status.name))
        continue;
      demoEnrolments.push(
        await reporter.step(`${status.name}: enrolment code for a demo desktop`, async () =>
          issueDemoEnrolment(status.trust, (await loadLocalTrust(status.name)).policy.trust.name),
        ),
      );
    }
  }
  return { trusts: running, seeded, clientAppUrl, demoEnrolments };
}
