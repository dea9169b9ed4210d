import { describe, expect, it } from 'vitest';
import { between, summarise } from './sendLatency.ts';

describe('send latency summary', () => {
  it('takes the median and p99 of the sends that succeeded, and counts the failed ones', () => {
    const samples = Array.from({ length: 100 }, (_, index) => ({
      startedAt: index,
      latencyMs: index + 1,
      ok: index !== 0,
    }));
    expect(summarise(samples)).toEqual({ count: 100, failed: 1, medianMs: 51, p99Ms: 100 });
  });

  it('splits samples by when they started', () => {
    const samples = [0, 5, 10].map((startedAt) => ({ startedAt, latencyMs: 1, ok: true }));
    expect(between(samples, 5, 10).map((sample) => sample.startedAt)).toEqual([5]);
  });
});
