// `npm run bench -w retention-service`: what the 72-hour purge costs, against Synapse's own retention jobs and
// Synapse's purge_history admin API alone, on the same seeded data (seedHistory.ts; at least 100,000 messages in 200
// rooms by default), each on a fresh copy of one snapshot (benchSnapshot.ts), on the bench's own homeserver
// (benchHomeserver.ts), never the local stack's trusts. It prints numbers and ratios, with the targets beside them;
// it asserts nothing. Everything it started is stopped at the end, on failure, and on Ctrl-C.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { requireRoot } from '../../deploy/local/src/localLayout.ts';
import { consoleReporter } from '../../deploy/local/src/progress.ts';
import { grantRetentionSynapseAccess, retentionEnv } from '../../deploy/local/src/retentionPreparation.ts';
import { withStackLock } from '../../deploy/local/src/stackLock.ts';
import {
  benchLayout,
  benchTrustName,
  prepareBenchHomeserver,
  startBenchSynapse,
  type BenchHomeserver,
} from './benchHomeserver.ts';
import { contenderText, headerText, targetsText, type ContenderResult } from './benchReport.ts';
import { parseBenchSettings, seedKey, type BenchSettings } from './benchSettings.ts';
import {
  dropWorkingDatabases,
  hasSnapshot,
  otherSnapshots,
  restoreSnapshot,
  takeSnapshot,
} from './benchSnapshot.ts';
import { contentLeft } from './contentLeft.ts';
import type { Contender, ContenderId } from './contender.ts';
import { measureContender } from './measureContender.ts';
import { purgeHistoryContender, purgeHistorySlowPollContender } from './purgeHistoryContender.ts';
import { finishSeedInDatabase, seedThroughApplicationService, type SeedRecord } from './seedHistory.ts';
import { serviceRunContender } from './serviceRunContender.ts';
import { synapseJobsContender } from './synapseJobsContender.ts';

const reporter = consoleReporter();
const contenders: Readonly<Record<ContenderId, Contender>> = {
  service: serviceRunContender,
  'synapse-jobs': synapseJobsContender,
  'purge-history': purgeHistoryContender,
  'purge-history-500ms': purgeHistorySlowPollContender,
};
/** The seeded "new" messages are at most a day old; after another day the oldest would near the window. */
const snapshotLifetimeMs = 24 * 3_600_000;

const cleanUps = new Set<() => Promise<void>>();
function onInterrupt(cleanUp: () => Promise<void>): () => void {
  cleanUps.add(cleanUp);
  return () => cleanUps.delete(cleanUp);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    reporter.info(`${signal}: stopping what the bench started`);
    void Promise.allSettled([...cleanUps].map((cleanUp) => cleanUp())).finally(() => {
      process.exit(130);
    });
  });
}

function chosenContenders(settings: BenchSettings): Contender[] {
  return settings.BENCH_CONTENDERS.split(',').map((name) => {
    const contender = (contenders as Readonly<Record<string, Contender | undefined>>)[name.trim()];
    if (!contender) throw new Error(`BENCH_CONTENDERS: unknown contender "${name}"`);
    return contender;
  });
}

async function cachedSeed(path: string): Promise<SeedRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(path, 'utf8')) as SeedRecord;
    return Date.now() - Date.parse(record.seededAt) < snapshotLifetimeMs ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Seeds the bench homeserver from empty, and keeps the result as the snapshot for `key`. */
async function seedAndSnapshot(
  key: string,
  settings: BenchSettings,
): Promise<{
  homeserver: BenchHomeserver;
  seed: SeedRecord;
  env: Record<string, string>;
  snapshotSeconds: number;
}> {
  // A new seed starts from nothing: new databases and new secrets, so no token of an older seed lingers.
  await dropWorkingDatabases();
  await rm(benchLayout(key).stateDir, { recursive: true, force: true });
  const homeserver = await prepareBenchHomeserver(key, reporter);
  const synapse = await reporter.step('bench: Synapse (to seed)', () => startBenchSynapse(homeserver));
  const forget = onInterrupt(synapse.stop);
  let apiSeed;
  let env: Record<string, string>;
  try {
    await grantRetentionSynapseAccess(homeserver.files, benchTrustName);
    env = await retentionEnv(
      homeserver.trust,
      homeserver.files,
      homeserver.synapseUrl,
      homeserver.registrationSharedSecret,
    );
    apiSeed = await seedThroughApplicationService(homeserver, settings, reporter);
  } finally {
    await synapse.stop();
    forget();
  }
  const seed = await finishSeedInDatabase(homeserver, settings, apiSeed, reporter);
  const started = Date.now();
  await reporter.step('bench: snapshot (CREATE DATABASE ... TEMPLATE)', () => takeSnapshot(key));
  const snapshotSeconds = (Date.now() - started) / 1000;
  await writeFile(join(homeserver.layout.stateDir, 'seed.json'), `${JSON.stringify(seed, null, 2)}\n`, {
    mode: 0o600,
  });
  return { homeserver, seed, env, snapshotSeconds };
}

async function bench(settings: BenchSettings): Promise<void> {
  const key = seedKey(settings);
  const chosen = chosenContenders(settings);
  const loadAverage = loadavg()[0] ?? Number.NaN;
  const seedPath = join(benchLayout(key).stateDir, 'seed.json');
  const cached = settings.BENCH_RESEED ? undefined : await cachedSeed(seedPath);
  let prepared;
  if (cached && (await hasSnapshot(key))) {
    reporter.info(`Using the cached snapshot for ${key} (seeded ${cached.seededAt})`);
    const homeserver = await prepareBenchHomeserver(key, reporter);
    const env = await retentionEnv(
      homeserver.trust,
      homeserver.files,
      homeserver.synapseUrl,
      homeserver.registrationSharedSecret,
    );
    prepared = { homeserver, seed: cached, env, snapshotSeconds: undefined, seededNow: false };
  } else {
    prepared = { ...(await seedAndSnapshot(key, settings)), seededNow: true };
  }
  const { homeserver, seed, env } = prepared;
  const windowHours = homeserver.trust.policy.retention.serverHours;
  const databases = {
    proofDatabaseUrl: env.SYNAPSE_PROOF_DATABASE_URL ?? '',
    bleepDatabaseUrl: env.BLEEP_DATABASE_URL ?? '',
    mediaStorePath: join(homeserver.files.dir, 'media'),
    serverName: homeserver.serverName,
  };
  // The proof scans what Synapse holds at every run: timed once on the seeded data, before anything is purged.
  await restoreSnapshot(key);
  const unpurged = await reporter.step("the service's proof over the seeded data", () =>
    contentLeft(databases, new Date(Date.now() - windowHours * 3_600_000)),
  );
  const results: ContenderResult[] = [];
  for (const contender of chosen) {
    const result = await reporter.step(`contender: ${contender.title}`, () =>
      measureContender({
        key,
        contender,
        context: {
          homeserver,
          settings,
          retentionEnv: env,
          windowMs: windowHours * 3_600_000,
          info: reporter.info,
        },
        databases,
        sender: {
          synapseUrl: homeserver.synapseUrl,
          accessToken: seed.sender.accessToken,
          roomId: seed.sender.roomId,
        },
        onInterrupt,
      }),
    );
    results.push(result);
  }
  process.stdout.write(
    headerText({
      seed,
      seededNow: prepared.seededNow,
      snapshotSeconds: prepared.snapshotSeconds,
      serverName: homeserver.serverName,
      windowHours,
      sendRate: settings.BENCH_SEND_RATE,
      idleSeconds: settings.BENCH_IDLE_SECONDS,
      cores: availableParallelism(),
      loadAverage,
      unpurged,
    }),
  );
  for (const result of results) process.stdout.write(contenderText(result));
  process.stdout.write(targetsText(results));
  const others = await otherSnapshots(key);
  if (others.length > 0) {
    reporter.info(`Older bench snapshots kept (drop with DROP DATABASE as postgres): ${others.join(', ')}`);
  }
}

async function main(): Promise<void> {
  requireRoot();
  const settings = parseBenchSettings(process.env);
  await withStackLock(benchLayout(seedKey(settings)).lockFile, () => bench(settings), {
    onWait: (pid) => {
      reporter.info(`waiting for another retention bench (pid ${pid}) to finish`);
    },
    timeoutMs: 2 * 3_600_000,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
