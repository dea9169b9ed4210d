// `npm run bench -w retention-service`: what the 72-hour purge costs, against Synapse's own retention jobs and
// Synapse's purge_history admin API alone, on the same seeded data (seedHistory.ts; at least 100,000 messages in 200
// rooms by default), each on a fresh copy of one snapshot (benchSnapshot.ts), on the bench's own homeserver
// (benchHomeserver.ts), never the local stack's trusts. It prints numbers and ratios, with the targets beside them;
// it asserts nothing. Everything it started is stopped at the end, on failure, and on Ctrl-C.
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { requireRoot } from '../../deploy/local/src/localLayout.ts';
import { consoleReporter } from '../../deploy/local/src/progress.ts';
import { withStackLock } from '../../deploy/local/src/stackLock.ts';
import { benchLayout } from './benchHomeserver.ts';
import { contenderText, headerText, targetsText, type ContenderResult } from './benchReport.ts';
import { parseBenchSettings, seedKey, type BenchSettings } from './benchSettings.ts';
import { otherSnapshots, restoreSnapshot } from './benchSnapshot.ts';
import { contentLeft } from './contentLeft.ts';
import type { Contender, ContenderId } from './contender.ts';
import { measureContender } from './measureContender.ts';
import { purgeHistoryContender, purgeHistorySlowPollContender } from './purgeHistoryContender.ts';
import { preparedSeed } from './seedSnapshot.ts';
import { serviceRunContender } from './serviceRunContender.ts';
import { synapseJobsContender } from './synapseJobsContender.ts';

const reporter = consoleReporter();
const contenders: Readonly<Record<ContenderId, Contender>> = {
  service: serviceRunContender,
  'synapse-jobs': synapseJobsContender,
  'purge-history': purgeHistoryContender,
  'purge-history-500ms': purgeHistorySlowPollContender,
};

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

async function bench(settings: BenchSettings): Promise<void> {
  const key = seedKey(settings);
  const chosen = chosenContenders(settings);
  const loadAverage = loadavg()[0] ?? Number.NaN;
  const prepared = await preparedSeed(key, settings, reporter, onInterrupt);
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
