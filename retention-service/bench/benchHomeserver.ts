// The bench's own homeserver, "bench": a Synapse from the local runner's cached sid root, with its own ports
// (the runner's port scheme at index 20: Synapse's client listener 18028), its own databases (bleep_bench and
// bleep_bench_policy) and its own folder inside the root (/srv/bleep-bench/<seed key>), prepared and started by the
// runner's own modules (config rendering, databases, roles, process start). It never touches trust-a, trust-b or
// outsider, which other tests use. No gateway and no federation: the bench measures the purge behind Synapse's
// internal listener, where the retention service works.
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPolicy } from '@bleep/policy-module';
import { homeserverYaml } from '../../deploy/synapse/renderConfig.ts';
import { ensureLocalTrustDirectory, type LocalDirectory } from '../../deploy/local/src/localDirectory.ts';
import { localLayout } from '../../deploy/local/src/localLayout.ts';
import { renderLocalSynapseConfig } from '../../deploy/local/src/localSynapseConfig.ts';
import { policyPathFor, type LocalTrust } from '../../deploy/local/src/localTrusts.ts';
import { stopOurProcess, waitForHealth } from '../../deploy/local/src/ownedProcess.ts';
import { ensurePostgresRunning, localPostgres } from '../../deploy/local/src/postgres.ts';
import type { Reporter } from '../../deploy/local/src/progress.ts';
import { ensureSidRoot } from '../../deploy/local/src/sidRoot.ts';
import { databaseNameFor, trustPorts, type StackLayout } from '../../deploy/local/src/stackLayout.ts';
import {
  ensureSynapseUser,
  startSynapse,
  synapseMarkers,
  type SynapseUser,
} from '../../deploy/local/src/synapseProcess.ts';
import type { TrustFiles } from '../../deploy/local/src/trustFiles.ts';
import { prepareTrust } from '../../deploy/local/src/trustPreparation.ts';
import { readSecret, secretFilesIn } from '../../deploy/local/src/trustSecrets.ts';

export const benchTrustName = 'bench';
/** Past the runner's trusts (0-2) and anything they will add soon. */
const benchPortIndex = 20;

export type BenchHomeserver = Readonly<{
  trust: LocalTrust;
  files: TrustFiles;
  layout: StackLayout;
  directory: LocalDirectory;
  user: SynapseUser;
  /** The runner's log for the bench's preparation steps. */
  logPath: string;
  synapseUrl: string;
  serverName: string;
  /** Synapse's database, as its owner. */
  databaseUrl: string;
  registrationSharedSecret: string;
  appServiceToken: string;
}>;

/** The runner's layout, with the state folder moved to the bench's own, one per seed key. */
export function benchLayout(key: string): StackLayout {
  const base = localLayout();
  const chrootStateDir = `/srv/bleep-bench/${key}`;
  const stateDir = join(base.sidRoot, chrootStateDir);
  return {
    ...base,
    stateDir,
    chrootStateDir,
    stackFile: join(stateDir, 'bench.json'),
    lockFile: join(base.sidRoot, '..', 'retention-bench.lock'),
    caDir: join(stateDir, 'ca'),
    directoryDir: join(stateDir, 'directory'),
    logDir: join(base.logDir, 'bench'),
  };
}

/**
 * The bench's policy: trust-a's, under the bench's own server name and with no partners, so the window and every
 * other limit are the local trusts' (nobody re-declares a field).
 */
async function writeBenchPolicy(path: string, serverName: string): Promise<void> {
  const base = await loadPolicy(policyPathFor('trust-a'));
  const policy = {
    ...base,
    trust: { ...base.trust, name: 'Retention bench homeserver', serverName },
    federation: { ...base.federation, partners: [] },
  };
  await writeFile(path, `${JSON.stringify(policy, null, 2)}\n`, { mode: 0o644 });
}

export async function prepareBenchHomeserver(key: string, reporter: Reporter): Promise<BenchHomeserver> {
  const layout = benchLayout(key);
  const logPath = join(layout.logDir, 'bench-runner.log');
  await ensureSidRoot(layout.sidRoot, layout.logDir, reporter);
  await reporter.step('PostgreSQL', () => ensurePostgresRunning(localPostgres, logPath));
  await mkdir(layout.stateDir, { recursive: true, mode: 0o755 });
  await chmod(join(layout.stateDir, '..'), 0o755);
  await mkdir(layout.logDir, { recursive: true });
  const ports = trustPorts(benchPortIndex);
  const serverName = `${benchTrustName}.localhost:${ports.federation}`;
  const policyPath = join(layout.stateDir, 'bench-policy.json');
  await writeBenchPolicy(policyPath, serverName);
  const trust: LocalTrust = {
    name: benchTrustName,
    policy: await loadPolicy(policyPath),
    policyPath,
    ports,
    hostname: `${benchTrustName}.localhost`,
  };
  const directory = await reporter.step('bench: trust directory (lists nobody)', () =>
    ensureLocalTrustDirectory(layout.directoryDir, []),
  );
  const user = await ensureSynapseUser(layout.sidRoot, logPath);
  const files = await reporter.step('bench: config, certificates, databases', () =>
    prepareTrust(layout, trust, logPath, { synapse: user, gateway: undefined }, directory),
  );
  const secrets = secretFilesIn(files.keysDir);
  const password = await readSecret(secrets.databasePassword);
  const name = databaseNameFor(benchTrustName);
  return {
    trust,
    files,
    layout,
    directory,
    user,
    logPath,
    synapseUrl: `http://127.0.0.1:${ports.synapseInternal}`,
    serverName,
    databaseUrl: `postgres://${name}:${encodeURIComponent(password)}@${localPostgres.host}:${localPostgres.port}/${name}`,
    registrationSharedSecret: await readSecret(secrets.registrationSharedSecret),
    appServiceToken: await readSecret(secrets.testAppServiceToken),
  };
}

/**
 * A homeserver.yaml beside the runner's, with `changes` over the rendered configuration (Synapse's own retention
 * jobs, for that contender); answers its path inside the root.
 */
export async function writeConfigVariant(
  homeserver: BenchHomeserver,
  fileName: string,
  changes: Readonly<Record<string, unknown>>,
): Promise<string> {
  const { trust, files, layout, user } = homeserver;
  const config = await renderLocalSynapseConfig({
    trust,
    files,
    directory: homeserver.directory,
    chrootCaPath: join(layout.chrootStateDir, 'ca', 'ca.crt'),
    database: {
      target: localPostgres,
      name: databaseNameFor(trust.name),
      password: await readSecret(secretFilesIn(files.keysDir).databasePassword),
    },
  });
  const path = join(files.dir, fileName);
  await writeFile(path, homeserverYaml({ ...config, ...changes }), { mode: 0o600 });
  await chown(path, user.uid, user.gid);
  return join(files.chrootDir, fileName);
}

export type RunningSynapse = Readonly<{ pid: number; stop: () => Promise<void> }>;

/** Starts the bench's Synapse with the config at `chrootConfigPath` and waits until it answers. */
export async function startBenchSynapse(
  homeserver: BenchHomeserver,
  chrootConfigPath: string = join(homeserver.files.chrootDir, 'homeserver.yaml'),
): Promise<RunningSynapse> {
  const { layout, user, files } = homeserver;
  const started = await startSynapse(layout.sidRoot, chrootConfigPath, user, files.consoleLog);
  const stop = () => stopOurProcess(started.pid, synapseMarkers(chrootConfigPath), 60_000);
  try {
    await waitForHealth(
      'bench Synapse',
      `${homeserver.synapseUrl}/health`,
      started.exited,
      180_000,
      files.consoleLog,
    );
  } catch (error) {
    await stop();
    throw error;
  } finally {
    started.detach();
  }
  return { pid: started.pid, stop };
}
