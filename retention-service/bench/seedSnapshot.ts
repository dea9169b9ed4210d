// The seeded snapshot a bench run measures on: the cached one for these seed parameters when it is young enough,
// else a new seed (seedHistory.ts) on an empty bench homeserver, kept as the snapshot (benchSnapshot.ts) with its
// record (seed.json: how it was seeded, and the latency sender's account, root only).
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reporter } from '../../deploy/local/src/progress.ts';
import { grantRetentionSynapseAccess, retentionEnv } from '../../deploy/local/src/retentionPreparation.ts';
import {
  benchLayout,
  benchTrustName,
  prepareBenchHomeserver,
  startBenchSynapse,
  type BenchHomeserver,
} from './benchHomeserver.ts';
import type { BenchSettings } from './benchSettings.ts';
import { dropWorkingDatabases, hasSnapshot, takeSnapshot } from './benchSnapshot.ts';
import { finishSeedInDatabase, seedThroughApplicationService, type SeedRecord } from './seedHistory.ts';
import { sendOneMessage } from './steadySender.ts';
import { waitForCatchUp } from './synapseCatchUp.ts';

/** The seeded "new" messages are at most a day old; after another day the oldest would near the window. */
const snapshotLifetimeMs = 24 * 3_600_000;

export type PreparedSeed = Readonly<{
  homeserver: BenchHomeserver;
  seed: SeedRecord;
  /** The retention service's environment for the bench homeserver. */
  env: Readonly<Record<string, string>>;
  seededNow: boolean;
  /** How long the snapshot took, when it was taken now. */
  snapshotSeconds: number | undefined;
}>;

type OnInterrupt = (cleanUp: () => Promise<void>) => () => void;

function envFor(homeserver: BenchHomeserver): Promise<Record<string, string>> {
  return retentionEnv(
    homeserver.trust,
    homeserver.files,
    homeserver.synapseUrl,
    homeserver.registrationSharedSecret,
  );
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
  reporter: Reporter,
  onInterrupt: OnInterrupt,
): Promise<PreparedSeed> {
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
    env = await envFor(homeserver);
    apiSeed = await seedThroughApplicationService(homeserver, settings, reporter);
  } finally {
    await synapse.stop();
    forget();
  }
  const written = await finishSeedInDatabase(homeserver, settings, apiSeed, reporter);
  const settled = await reporter.step(
    "bench: Synapse's background processors catch up with the seed",
    async () => {
      const running = await startBenchSynapse(homeserver);
      const forgetRunning = onInterrupt(running.stop);
      try {
        const { sender } = written;
        return await waitForCatchUp(homeserver.databaseUrl, 20 * 60_000, () =>
          sendOneMessage({ synapseUrl: homeserver.synapseUrl, ...sender }, 'bench-catch-up'),
        );
      } finally {
        await running.stop();
        forgetRunning();
      }
    },
  );
  const seed: SeedRecord = { ...written, catchUpSeconds: settled };
  const started = Date.now();
  await reporter.step('bench: snapshot (CREATE DATABASE ... TEMPLATE)', () => takeSnapshot(key));
  const snapshotSeconds = (Date.now() - started) / 1000;
  await writeFile(join(homeserver.layout.stateDir, 'seed.json'), `${JSON.stringify(seed, null, 2)}\n`, {
    mode: 0o600,
  });
  return { homeserver, seed, env, seededNow: true, snapshotSeconds };
}

export async function preparedSeed(
  key: string,
  settings: BenchSettings,
  reporter: Reporter,
  onInterrupt: OnInterrupt,
): Promise<PreparedSeed> {
  const cached = settings.BENCH_RESEED
    ? undefined
    : await cachedSeed(join(benchLayout(key).stateDir, 'seed.json'));
  if (cached && (await hasSnapshot(key))) {
    reporter.info(`Using the cached snapshot for ${key} (seeded ${cached.seededAt})`);
    const homeserver = await prepareBenchHomeserver(key, reporter);
    return {
      homeserver,
      seed: cached,
      env: await envFor(homeserver),
      seededNow: false,
      snapshotSeconds: undefined,
    };
  }
  return seedAndSnapshot(key, settings, reporter, onInterrupt);
}
