// Starts a run every interval (the first soon after start), and records the to-device stream position between
// runs. A run that failed (Synapse or a database down) is tried again sooner, with a backoff that grows to the
// interval; the service keeps running whatever a run does. Timers are injected, so a test moves time itself.
import type { Logger } from 'pino';
import type { RetentionMetrics } from '../metrics/retentionMetrics.ts';
import type { RunSummary } from '../run/retentionRun.ts';

export type Timers = Readonly<{
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}>;

export type SchedulerDeps = Readonly<{
  intervalMs: number;
  firstRunDelayMs: number;
  markIntervalMs: number;
  /** The first retry after a failed run; it doubles with each failure in a row, up to the interval. */
  failedRunRetryMs: number;
  runOnce: () => Promise<RunSummary>;
  recordMark: () => Promise<void>;
  clock: () => Date;
  timers: Timers;
  metrics: RetentionMetrics;
  log: Logger;
}>;

export type SchedulerState = Readonly<{
  nextRunAt: Date | null;
  consecutiveFailures: number;
  lastRun: RunSummary | null;
}>;

export type Scheduler = Readonly<{
  start: () => void;
  /** Stops scheduling; resolves when a run in progress has finished. */
  stop: () => Promise<void>;
  state: () => SchedulerState;
}>;

export function createScheduler(deps: SchedulerDeps): Scheduler {
  let stopped = true;
  let runTimer: unknown;
  let markTimer: unknown;
  let nextRunAt: Date | null = null;
  let consecutiveFailures = 0;
  let lastRun: RunSummary | null = null;
  let inFlight: Promise<void> = Promise.resolve();

  function scheduleRun(delayMs: number): void {
    if (stopped) return;
    nextRunAt = new Date(deps.clock().getTime() + delayMs);
    runTimer = deps.timers.setTimeout(() => {
      inFlight = runNow();
    }, delayMs);
  }

  async function runNow(): Promise<void> {
    const started = deps.clock().getTime();
    nextRunAt = null;
    let delayMs = deps.intervalMs;
    try {
      const summary = await deps.runOnce();
      lastRun = summary;
      if (summary.status === 'failed') {
        consecutiveFailures += 1;
        delayMs = Math.min(deps.intervalMs, deps.failedRunRetryMs * 2 ** (consecutiveFailures - 1));
      } else if (summary.status === 'complete') {
        consecutiveFailures = 0;
      }
    } catch (error) {
      // runOnce reports failures as values; reaching here is a bug, and the schedule must survive it.
      consecutiveFailures += 1;
      delayMs = Math.min(deps.intervalMs, deps.failedRunRetryMs * 2 ** (consecutiveFailures - 1));
      deps.metrics.failures.inc({ step: 'scheduler' });
      deps.log.error({ err: { message: (error as Error).message } }, 'run threw');
    }
    deps.metrics.consecutiveFailedRuns.set(consecutiveFailures);
    const elapsed = deps.clock().getTime() - started;
    // A complete run keeps the rhythm (the next starts an interval after this one started); a retry waits its
    // backoff from now.
    scheduleRun(consecutiveFailures === 0 ? Math.max(0, delayMs - elapsed) : delayMs);
  }

  function scheduleMark(): void {
    if (stopped) return;
    markTimer = deps.timers.setTimeout(() => {
      deps.recordMark().then(
        () => {
          scheduleMark();
        },
        (error: unknown) => {
          deps.metrics.failures.inc({ step: 'stream-mark' });
          deps.log.warn(
            { code: (error as { code?: unknown }).code },
            'could not record the to-device stream mark',
          );
          scheduleMark();
        },
      );
    }, deps.markIntervalMs);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      scheduleRun(deps.firstRunDelayMs);
      scheduleMark();
    },
    async stop() {
      stopped = true;
      deps.timers.clearTimeout(runTimer);
      deps.timers.clearTimeout(markTimer);
      nextRunAt = null;
      await inFlight;
    },
    state: () => ({ nextRunAt, consecutiveFailures, lastRun }),
  };
}
