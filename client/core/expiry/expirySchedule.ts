// Keeps a running session's archive within the trust's limit: a sweep when asked (at start, before anything is
// shown) and then on a timer (hourly by default), each reading the policy afresh so that a shorter clientDays
// applies without a restart, writing its result to the store and sending it to the gateway as the expiry report.
// A sweep that fails is logged and shown in the store (expiry.sweepFailed); the next one is on the timer.
import type { MessageArchive } from '../archive/messageArchive.ts';
import type { Platform } from '../platform.ts';
import type { SessionRecord } from '../session/sessionRecords.ts';
import type { BleepStore } from '../stores/bleepStore.ts';
import { fetchTrustPolicy } from '../trust/trustPolicy.ts';
import { expiryReportFor, sendExpiryReport } from './expiryReport.ts';
import { createExpiryReporter } from './expiryReporter.ts';
import { runExpirySweep, type ExpirySweepResult } from './expirySweep.ts';
import { fetchLegalHolds } from './legalHolds.ts';

export type ExpiryScheduleDeps = Readonly<{
  platform: Pick<Platform, 'fetch' | 'clock' | 'logger'>;
  archive: MessageArchive;
  store: BleepStore;
  session: Pick<SessionRecord, 'serverUrl' | 'accessToken'>;
  /** Between sweeps (default an hour: the issue asks for at least hourly). */
  sweepIntervalMs?: number;
  /** The report's first retry delay (default 30 s), doubling up to an hour. */
  firstRetryMs?: number;
}>;

export interface ExpirySchedule {
  /** Sweeps now (after any sweep in progress); resolves with its result, or undefined if it failed or was stopped. */
  sweepNow(): Promise<ExpirySweepResult | undefined>;
  /** Starts the timer. */
  start(): void;
  /** No more sweeps or reports; a sweep in progress finishes but changes nothing in the store. */
  stop(): void;
}

export function createExpirySchedule(deps: ExpiryScheduleDeps): ExpirySchedule {
  const { platform, archive, store, session } = deps;
  const log = platform.logger.child('expiry');
  let stopped = false;
  // Read through a call: stop() may run while a sweep awaits, which flow analysis cannot see.
  const isStopped = () => stopped;
  const reporter = createExpiryReporter({
    send: (report) => sendExpiryReport(platform, session, report),
    clock: platform.clock,
    logger: platform.logger,
    onChange: (report) => {
      if (!stopped) store.getState().expiryReportChanged(report);
    },
    ...(deps.firstRetryMs === undefined ? {} : { firstRetryMs: deps.firstRetryMs }),
  });
  let timer: ReturnType<typeof setInterval> | undefined;
  let sweeping: Promise<unknown> = Promise.resolve();

  /** The trust's clientDays now: asked of the gateway, or the last answer if it cannot be asked. */
  async function clientDays(): Promise<number | undefined> {
    try {
      const policy = await fetchTrustPolicy(platform, session.serverUrl);
      if (!stopped) store.getState().policyLoaded(policy);
      return policy.retention.clientDays;
    } catch {
      return store.getState().session.policy?.retention.clientDays;
    }
  }

  async function sweep(): Promise<ExpirySweepResult | undefined> {
    if (isStopped()) return undefined;
    try {
      const days = await clientDays();
      if (days === undefined) throw new Error('the trust policy is not known');
      const result = await runExpirySweep({
        archive,
        clock: platform.clock,
        clientDays: days,
        legalHolds: () => fetchLegalHolds(platform, session),
      });
      if (isStopped()) return undefined;
      store.getState().expirySwept(result);
      log.info('swept the archive', {
        removed: result.removed,
        kept: result.kept,
        legalHolds: result.legalHolds.status,
      });
      reporter.submit(expiryReportFor(result));
      return result;
    } catch (error) {
      log.error('the expiry sweep failed; the next one is on the timer', {
        error: error instanceof Error ? error.name : 'unknown',
      });
      if (!isStopped()) store.getState().expirySweepFailed();
      return undefined;
    }
  }

  return {
    sweepNow: () => {
      const next = sweeping.then(sweep, sweep);
      sweeping = next;
      return next;
    },
    start: () => {
      if (stopped || timer !== undefined) return;
      timer = setInterval(() => {
        const next = sweeping.then(sweep, sweep);
        sweeping = next;
      }, deps.sweepIntervalMs ?? 3_600_000);
    },
    stop: () => {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      reporter.stop();
    },
  };
}
