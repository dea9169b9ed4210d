// Delivers the expiry reports to the gateway whatever state the gateway is in, and never throws. The newest report
// replaces one not yet delivered; a failed attempt (server down, or no such route yet: a 404) is retried with
// exponential backoff, from 30 seconds up to an hour. A refusal that means the session is over (unknown token,
// revoked desktop) stops the reporter: the running session meets the same answer at its next sync and ends, and
// wipes, there, so that happens in one place.
import { BleepClientError, UnexpectedAnswerError } from '../errors/clientErrors.ts';
import type { Clock, CoreLogger } from '../platform.ts';
import { initialExpiryReport, type ExpiryReportState } from '../stores/expirySlice.ts';
import type { ExpiryReport } from './expiryReport.ts';

export type ExpiryReporterDeps = Readonly<{
  send: (report: ExpiryReport) => Promise<void>;
  clock: Clock;
  logger: CoreLogger;
  onChange: (state: ExpiryReportState) => void;
  /** The first retry's delay (default 30 s); each next one doubles, up to maxRetryMs (default 1 h). */
  firstRetryMs?: number;
  maxRetryMs?: number;
}>;

export interface ExpiryReporter {
  /** Sends this report as soon as possible, in place of any not yet delivered. */
  submit(report: ExpiryReport): void;
  /** No more attempts; one in flight is let finish but changes nothing. */
  stop(): void;
}

const endingCodes = new Set(['session-ended', 'device-not-enrolled', 'account-deactivated']);

export function createExpiryReporter(deps: ExpiryReporterDeps): ExpiryReporter {
  const log = deps.logger.child('expiry-report');
  const firstRetryMs = deps.firstRetryMs ?? 30_000;
  const maxRetryMs = deps.maxRetryMs ?? 3_600_000;
  let state: ExpiryReportState = initialExpiryReport;
  let pending: ExpiryReport | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> | undefined;
  let stopped = false;
  // Read through a call: stop() may run while an attempt awaits, which flow analysis cannot see.
  const isStopped = () => stopped;

  function update(change: Partial<ExpiryReportState>): void {
    state = { ...state, ...change };
    deps.onChange(state);
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      inFlight = attempt().finally(() => {
        inFlight = undefined;
      });
    }, delayMs);
  }

  async function attempt(): Promise<void> {
    const report = pending;
    if (report === undefined || isStopped()) return;
    update({
      status: 'sending',
      oldestTs: report.oldest_ts,
      sweptAt: report.swept_at,
      attempts: state.attempts + 1,
      nextAttemptAt: null,
    });
    try {
      await deps.send(report);
      if (isStopped()) return;
      if (pending === report) pending = undefined;
      update({
        status: 'sent',
        lastSentAt: deps.clock.now(),
        attempts: 0,
        problem: null,
        failedStatus: null,
      });
    } catch (error) {
      if (isStopped()) return;
      const problem = error instanceof BleepClientError ? error.code : 'unexpected-answer';
      const failedStatus = error instanceof UnexpectedAnswerError ? error.status : null;
      if (endingCodes.has(problem)) {
        log.warn('the gateway refused the expiry report: this session is over', { problem });
        stopped = true;
        update({ status: 'stopped', problem, failedStatus });
        return;
      }
      const delay = Math.min(maxRetryMs, firstRetryMs * 2 ** Math.max(0, state.attempts - 1));
      log.warn('the expiry report did not reach the gateway; it will be retried', {
        problem,
        status: failedStatus,
        attempt: state.attempts,
        retryInMs: delay,
        ...(error instanceof BleepClientError
          ? {}
          : { error: error instanceof Error ? error.name : 'unknown' }),
      });
      update({ status: 'retrying', problem, failedStatus, nextAttemptAt: deps.clock.now() + delay });
      schedule(delay);
      return;
    }
    // A newer report arrived while this one was on its way.
    if (pending !== undefined) schedule(0);
  }

  return {
    submit: (report) => {
      if (stopped) return;
      pending = report;
      // While an attempt is in flight the new report waits for it; otherwise it goes now, with a fresh backoff.
      if (inFlight === undefined) {
        state = { ...state, attempts: 0 };
        schedule(0);
      }
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
