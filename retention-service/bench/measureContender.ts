// One contender, measured: the seeded data restored, the bench's Synapse started with the contender's
// configuration, the old events counted, the sender started, the contender's purge run, then what is left judged
// by the proof and the sends split into idle and during. Synapse is stopped at the end, also on failure.
import { readFile, rename } from 'node:fs/promises';
import { restoreSnapshot } from './benchSnapshot.ts';
import { startBenchSynapse } from './benchHomeserver.ts';
import type { ContenderResult } from './benchReport.ts';
import type { Contender, ContenderContext, PurgeWindow } from './contender.ts';
import { contentLeft, countOldEvents, type ContentCheckDatabases } from './contentLeft.ts';
import { between, summarise } from './sendLatency.ts';
import { startSteadySender, type SenderTarget } from './steadySender.ts';
import { purgeSpan } from './synapsePurgeLog.ts';

// Synapse is busiest in the first seconds after it starts (caches, background jobs): not idle for a clinician.
const warmUpMs = 10_000;

export type MeasureInput = Readonly<{
  key: string;
  contender: Contender;
  context: Omit<ContenderContext, 'idleUntil'>;
  databases: ContentCheckDatabases;
  sender: SenderTarget;
  /** Registers a clean-up to run if the bench is interrupted (and returns its remover). */
  onInterrupt: (cleanUp: () => Promise<void>) => () => void;
}>;

export async function measureContender(input: MeasureInput): Promise<ContenderResult> {
  const { contender, context } = input;
  const restoreStarted = Date.now();
  await restoreSnapshot(input.key);
  const restoreSeconds = (Date.now() - restoreStarted) / 1000;
  const configPath = await contender.synapseConfig({ ...context, idleUntil: 0 });
  // A fresh log per contender: Synapse's retention jobs are followed through it.
  for (const suffix of ['', '.1', '.2']) {
    const log = `${context.homeserver.files.synapseLog}${suffix}`;
    await rename(log, `${log}.previous`).catch(() => undefined);
  }
  const synapse = await startBenchSynapse(context.homeserver, configPath);
  const forget = input.onInterrupt(synapse.stop);
  try {
    const oldEventsBefore = await countOldEvents(
      input.databases.proofDatabaseUrl,
      new Date(Date.now() - context.windowMs),
    );
    const sender = startSteadySender(input.sender, context.settings.BENCH_SEND_RATE);
    const warmUntil = Date.now() + warmUpMs;
    const idleUntil = warmUntil + context.settings.BENCH_IDLE_SECONDS * 1000;
    context.info(`${contender.title}: measuring idle sends, then the purge`);
    let window: PurgeWindow;
    try {
      window = await contender.purge({ ...context, idleUntil });
    } catch (error) {
      await sender.stop();
      throw error;
    }
    // Idle again after the purge, as long as before it: the machine's own drift then weighs on both sides alike.
    const idleAfterMs = context.settings.BENCH_IDLE_SECONDS * 1000;
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, window.finishedAt + idleAfterMs - Date.now())),
    );
    const samples = await sender.stop();
    const logs = await Promise.all(
      ['.2', '.1', ''].map((suffix) =>
        readFile(`${context.homeserver.files.synapseLog}${suffix}`, 'utf8').catch(() => ''),
      ),
    );
    const synapsePurges = purgeSpan(logs.join('\n'));
    const left = await contentLeft(input.databases, new Date(Date.now() - context.windowMs));
    const seconds = (window.finishedAt - window.startedAt) / 1000;
    const purged = oldEventsBefore - left.oldEvents;
    return {
      id: contender.id,
      title: contender.title,
      oldEventsBefore,
      purged,
      seconds,
      eventsPerSecond: purged / seconds,
      left,
      idle: summarise([
        ...between(samples, warmUntil, window.startedAt),
        ...between(samples, window.finishedAt + 1, window.finishedAt + 1 + idleAfterMs),
      ]),
      during: summarise(between(samples, window.startedAt, window.finishedAt + 1)),
      restoreSeconds,
      ...(synapsePurges ? { synapsePurges } : {}),
      detail: window.detail,
    };
  } finally {
    await synapse.stop();
    forget();
  }
}
