// The bench's printout: the data and how it was seeded, one block per contender, then the targets beside the
// results. Numbers and ratios only; nothing here passes or fails a build.
import type { ContenderId } from './contender.ts';
import type { ContentLeft } from './contentLeft.ts';
import type { LatencySummary } from './sendLatency.ts';
import type { SeedRecord } from './seedHistory.ts';
import type { PurgeSpan } from './synapsePurgeLog.ts';

export type ContenderResult = Readonly<{
  id: ContenderId;
  title: string;
  oldEventsBefore: number;
  purged: number;
  seconds: number;
  eventsPerSecond: number;
  left: ContentLeft;
  idle: LatencySummary;
  during: LatencySummary;
  restoreSeconds: number;
  /** Synapse's own log: from its first purge's start to its last purge's end. */
  synapsePurges?: PurgeSpan;
  detail: readonly string[];
}>;

export type BenchHeader = Readonly<{
  seed: SeedRecord;
  seededNow: boolean;
  snapshotSeconds: number | undefined;
  serverName: string;
  windowHours: number;
  sendRate: number;
  idleSeconds: number;
  cores: number;
  loadAverage: number;
  /** The proof over the seeded data, before any purge. */
  unpurged: ContentLeft;
}>;

const fixed = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';

export function headerText(header: BenchHeader): string {
  const { seed } = header;
  return [
    `Retention bench: ${seed.messages} messages (${seed.oldMessages} dated 3.5 to 10 days ago, older than the ${header.windowHours} h window; the rest within the last day) in ${seed.rooms} rooms, on the bench's own homeserver ${header.serverName} (Synapse from the local runner's sid root, its own databases)`,
    `Seeded ${header.seededNow ? 'now' : `at ${seed.seededAt} (cached snapshot)`}: rooms and members through the client API in ${fixed(seed.setupSeconds, 0)} s; the oldest ${seed.apiMessages} messages through the test application service dated with ?ts= (timestamp massaging, ${seed.concurrency} in flight) in ${fixed(seed.apiSeconds, 0)} s (${fixed(seed.apiMessages / seed.apiSeconds, 0)}/s); the other ${seed.generatedMessages} written in SQL as Synapse writes them (hashed, signed, Synapse stopped) in ${fixed(seed.generatedSeconds, 1)} s (${fixed(seed.generatedMessages / seed.generatedSeconds, 0)}/s); arrival times (received_ts) set to the dates; then Synapse started once until its background processors (stats, user directory, senders) had caught up (${fixed(seed.catchUpSeconds ?? Number.NaN, 0)} s)`,
    `Snapshot: PostgreSQL CREATE DATABASE ... TEMPLATE with Synapse stopped${header.snapshotSeconds === undefined ? '' : ` (taken in ${fixed(header.snapshotSeconds, 1)} s)`}, restored before each contender`,
    `Sender: ${header.sendRate} messages/s through Synapse's client API, open loop; idle = ${header.idleSeconds} s before the purge (for Synapse's jobs: until its job starts), after a 10 s warm-up once Synapse answers, and ${header.idleSeconds} s after it; during = from the purge's start to its end`,
    `Before any purge: ${header.unpurged.oldEvents} old events; the service's proof over all of it took ${fixed(header.unpurged.proofSeconds, 1)} s and found ${header.unpurged.rowsLeft} rows older than the window`,
    `Machine: ${header.cores} cores, load average ${fixed(header.loadAverage, 2)} at the start (shared; other work may run)`,
    '',
  ].join('\n');
}

export function contenderText(result: ContenderResult): string {
  const kinds = Object.entries(result.left.rowsByKind)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  const latency = (summary: LatencySummary): string =>
    `median ${fixed(summary.medianMs, 1)} ms, p99 ${fixed(summary.p99Ms, 1)} ms (${summary.count} sends${summary.failed > 0 ? `, ${summary.failed} failed` : ''})`;
  return [
    result.title,
    `  purged        ${result.purged} of ${result.oldEventsBefore} old events in ${fixed(result.seconds, 1)} s: ${fixed(result.eventsPerSecond, 0)} events/s`,
    `  rows left     ${result.left.rowsLeft} older than the window${kinds ? ` (${kinds})` : ''}; old events left in the events table ${result.left.oldEvents}`,
    `  oldest        content ${result.left.oldestContentHours === null ? 'none held' : `${fixed(result.left.oldestContentHours, 1)} h old`} afterwards`,
    `  send idle     ${latency(result.idle)}`,
    `  send during   ${latency(result.during)}; p99 ${fixed(result.during.p99Ms / result.idle.p99Ms, 2)}x idle`,
    ...(result.synapsePurges
      ? [
          `  in Synapse   ${result.synapsePurges.purges} history purges, ${fixed(result.synapsePurges.seconds, 1)} s from the first one's start to the last one's end (${fixed((100 * result.synapsePurges.seconds) / result.seconds, 0)}% of the contender's time)`,
        ]
      : []),
    `  proof         the service's proof SQL took ${fixed(result.left.proofSeconds, 1)} s afterwards`,
    ...result.detail.map((line) => `  ${line}`),
    `  (data restored in ${fixed(result.restoreSeconds, 1)} s)`,
    '',
  ].join('\n');
}

export function targetsText(results: readonly ContenderResult[]): string {
  const service = results.find((result) => result.id === 'service');
  const baseline = results.find((result) => result.id === 'purge-history');
  const lines = ['Targets for the retention service, beside the results'];
  if (!service) return [...lines, '  (the service was not measured)', ''].join('\n');
  const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');
  lines.push(
    `  rows left older than the window: ${service.left.rowsLeft} (target 0): ${verdict(service.left.rowsLeft === 0)}`,
  );
  if (baseline) {
    const ratio = service.eventsPerSecond / baseline.eventsPerSecond;
    lines.push(
      `  throughput: ${fixed(service.eventsPerSecond, 0)} events/s, ${fixed(ratio, 2)} of purge_history alone (${fixed(baseline.eventsPerSecond, 0)} events/s; target at least 0.90): ${verdict(ratio >= 0.9)}`,
    );
  } else {
    lines.push('  throughput against purge_history alone: not measured (BENCH_CONTENDERS leaves it out)');
  }
  const p99Ratio = service.during.p99Ms / service.idle.p99Ms;
  lines.push(
    `  send p99 during the purge: ${fixed(service.during.p99Ms, 1)} ms, ${fixed(p99Ratio, 2)}x idle (${fixed(service.idle.p99Ms, 1)} ms; target at most 2x): ${verdict(p99Ratio <= 2)}`,
  );
  for (const other of results.filter((result) => result.id !== 'service')) {
    lines.push(
      `  for comparison, ${other.title}: ${other.left.rowsLeft} rows left, ${fixed(other.eventsPerSecond, 0)} events/s, send p99 ${fixed(other.during.p99Ms / other.idle.p99Ms, 2)}x idle`,
    );
  }
  return [...lines, ''].join('\n');
}
