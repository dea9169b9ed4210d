import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createRetentionMetrics } from '../metrics/retentionMetrics.ts';
import type { RunSummary } from '../run/retentionRun.ts';
import { createScheduler, type Timers } from './scheduler.ts';

/** Timers that fire only when the test moves time on. */
function fakeTime() {
  let now = 0;
  let next = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  const timers: Timers = {
    setTimeout: (callback, ms) => {
      next += 1;
      pending.set(next, { at: now + ms, callback });
      return next;
    },
    clearTimeout: (handle) => {
      pending.delete(handle as number);
    },
  };
  return {
    timers,
    clock: () => new Date(now),
    /** Moves to the next timer and fires it; answers when it fired. */
    async fireNext(): Promise<number> {
      const [id, timer] = [...pending.entries()].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (id === undefined || !timer) throw new Error('no timer pending');
      pending.delete(id);
      now = timer.at;
      timer.callback();
      // Let the run's promise chain settle.
      await new Promise((resolve) => setImmediate(resolve));
      return now;
    },
  };
}

function summary(status: RunSummary['status']): RunSummary {
  return { status } as RunSummary;
}

describe('scheduler', () => {
  it('runs soon after start, then every interval, and records the stream mark between runs', async () => {
    const time = fakeTime();
    const runsAt: number[] = [];
    const marksAt: number[] = [];
    const scheduler = createScheduler({
      intervalMs: 600_000,
      firstRunDelayMs: 30_000,
      markIntervalMs: 250_000,
      failedRunRetryMs: 30_000,
      runOnce: () => {
        runsAt.push(time.clock().getTime());
        return Promise.resolve(summary('complete'));
      },
      recordMark: () => {
        marksAt.push(time.clock().getTime());
        return Promise.resolve();
      },
      clock: time.clock,
      timers: time.timers,
      metrics: createRetentionMetrics(),
      log: pino({ level: 'silent' }),
    });
    scheduler.start();
    for (let fired = 0; fired < 6; fired += 1) await time.fireNext();
    expect(runsAt).toEqual([30_000, 630_000]);
    expect(marksAt).toEqual([250_000, 500_000, 750_000, 1_000_000]);
    await scheduler.stop();
  });

  it('retries a failed run sooner, backing off, and returns to the interval after a complete one', async () => {
    const time = fakeTime();
    const outcomes: RunSummary['status'][] = ['failed', 'failed', 'failed', 'complete', 'complete'];
    const runsAt: number[] = [];
    const metrics = createRetentionMetrics();
    const scheduler = createScheduler({
      intervalMs: 600_000,
      firstRunDelayMs: 0,
      markIntervalMs: 10_000_000,
      failedRunRetryMs: 30_000,
      runOnce: () => {
        runsAt.push(time.clock().getTime());
        return Promise.resolve(summary(outcomes.shift() ?? 'complete'));
      },
      recordMark: () => Promise.resolve(),
      clock: time.clock,
      timers: time.timers,
      metrics,
      log: pino({ level: 'silent' }),
    });
    scheduler.start();
    for (let fired = 0; fired < 5; fired += 1) await time.fireNext();
    expect(runsAt).toEqual([0, 30_000, 90_000, 210_000, 810_000]);
    expect(scheduler.state().consecutiveFailures).toBe(0);
    await scheduler.stop();
  });

  it('survives a run that throws, and stops scheduling when stopped', async () => {
    const time = fakeTime();
    let runs = 0;
    const scheduler = createScheduler({
      intervalMs: 600_000,
      firstRunDelayMs: 0,
      markIntervalMs: 10_000_000,
      failedRunRetryMs: 30_000,
      runOnce: () => {
        runs += 1;
        return Promise.reject(new Error('bug'));
      },
      recordMark: () => Promise.resolve(),
      clock: time.clock,
      timers: time.timers,
      metrics: createRetentionMetrics(),
      log: pino({ level: 'silent' }),
    });
    scheduler.start();
    await time.fireNext();
    expect(scheduler.state().consecutiveFailures).toBe(1);
    expect(scheduler.state().nextRunAt).toEqual(new Date(30_000));
    await scheduler.stop();
    expect(scheduler.state().nextRunAt).toBeNull();
    await expect(time.fireNext()).rejects.toThrow(/no timer pending/);
    expect(runs).toBe(1);
  });
});
