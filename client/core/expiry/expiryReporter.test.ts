import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServerDownError, SessionEndedError, UnexpectedAnswerError } from '../errors/clientErrors.ts';
import { recordingLogger } from '../platform.testkit.ts';
import type { ExpiryReportState } from '../stores/expirySlice.ts';
import type { ExpiryReport } from './expiryReport.ts';
import { createExpiryReporter } from './expiryReporter.ts';

const first: ExpiryReport = { oldest_ts: 1_000, swept_at: 2_000 };
const second: ExpiryReport = { oldest_ts: 1_000, swept_at: 3_602_000 };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A reporter whose sends fail while `failWith` is set, recording every report it was asked to send. */
function reporterWith(failWith: () => Error | undefined) {
  const sent: ExpiryReport[] = [];
  const states: ExpiryReportState[] = [];
  const reporter = createExpiryReporter({
    send: (report) => {
      sent.push(report);
      const failure = failWith();
      return failure === undefined ? Promise.resolve() : Promise.reject(failure);
    },
    clock: { now: () => Date.now() },
    logger: recordingLogger(),
    onChange: (state) => states.push(state),
  });
  return { reporter, sent, states, last: () => states.at(-1) };
}

describe('the expiry reporter', () => {
  it('sends a report at once and says it was sent', async () => {
    const { reporter, sent, last } = reporterWith(() => undefined);
    reporter.submit(first);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([first]);
    expect(last()).toMatchObject({
      status: 'sent',
      oldestTs: 1_000,
      sweptAt: 2_000,
      attempts: 0,
      problem: null,
    });
  });

  it('retries with backoff while the server is down (30 s, then 60 s, then 120 s), then delivers', async () => {
    let down = true;
    const { reporter, sent, last } = reporterWith(() =>
      down ? new ServerDownError('unreachable') : undefined,
    );
    reporter.submit(first);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    expect(last()).toMatchObject({ status: 'retrying', problem: 'server-down', attempts: 1 });
    await vi.advanceTimersByTimeAsync(29_999);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(3);
    down = false;
    await vi.advanceTimersByTimeAsync(119_999);
    expect(sent).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(4);
    expect(last()).toMatchObject({ status: 'sent', attempts: 0, problem: null, failedStatus: null });
  });

  it('keeps retrying, never throwing, while the gateway has no such route (404), at most an hour apart', async () => {
    const { reporter, sent, last } = reporterWith(() => new UnexpectedAnswerError(404, 'M_UNRECOGNIZED'));
    reporter.submit(first);
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(last()).toMatchObject({ status: 'retrying', failedStatus: 404, problem: 'unexpected-answer' });
    // 0 s, 30 s, 1, 2, 4, 8, 16, 32 min, then hourly: 8 attempts in the first 64 min, then about 23 more.
    expect(sent.length).toBeGreaterThanOrEqual(30);
    expect(sent.length).toBeLessThanOrEqual(32);
  });

  it('sends the newest report in place of one not yet delivered', async () => {
    let down = true;
    const { reporter, sent, last } = reporterWith(() =>
      down ? new ServerDownError('unreachable') : undefined,
    );
    reporter.submit(first);
    await vi.advanceTimersByTimeAsync(0);
    down = false;
    reporter.submit(second);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([first, second]);
    expect(last()).toMatchObject({ status: 'sent', sweptAt: second.swept_at });
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(sent).toEqual([first, second]);
  });

  it('a report submitted while one is on its way goes right after it', async () => {
    let release: () => void = () => undefined;
    const sent: ExpiryReport[] = [];
    const reporter = createExpiryReporter({
      send: (report) => {
        sent.push(report);
        return sent.length === 1
          ? new Promise<void>((resolve) => {
              release = resolve;
            })
          : Promise.resolve();
      },
      clock: { now: () => Date.now() },
      logger: recordingLogger(),
      onChange: () => undefined,
    });
    reporter.submit(first);
    await vi.advanceTimersByTimeAsync(0);
    reporter.submit(second);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([first]);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([first, second]);
  });

  it('stops when the gateway says the session is over, and sends no more', async () => {
    const { reporter, sent, last } = reporterWith(() => new SessionEndedError());
    reporter.submit(first);
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toMatchObject({ status: 'stopped', problem: 'session-ended' });
    reporter.submit(second);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(sent).toEqual([first]);
  });

  it('survives a send that fails in an unexpected way, and retries it', async () => {
    let calls = 0;
    const { reporter, sent, last } = reporterWith(() => (++calls === 1 ? new RangeError('bug') : undefined));
    reporter.submit(first);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sent).toHaveLength(2);
    expect(last()).toMatchObject({ status: 'sent' });
  });

  it('once stopped, makes no more attempts', async () => {
    const { reporter, sent } = reporterWith(() => new ServerDownError('unreachable'));
    reporter.submit(first);
    await vi.advanceTimersByTimeAsync(0);
    reporter.stop();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(sent).toHaveLength(1);
  });
});
