// The sender's samples, split into the idle stretch before a purge and the purge itself, as median and p99.
import type { SendSample } from './steadySender.ts';

export type LatencySummary = Readonly<{ count: number; failed: number; medianMs: number; p99Ms: number }>;

export function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

export function summarise(samples: readonly SendSample[]): LatencySummary {
  const times = samples
    .filter((sample) => sample.ok)
    .map((sample) => sample.latencyMs)
    .sort((a, b) => a - b);
  return {
    count: samples.length,
    failed: samples.filter((sample) => !sample.ok).length,
    medianMs: percentile(times, 0.5),
    p99Ms: percentile(times, 0.99),
  };
}

/** Samples started in [from, to). */
export function between(samples: readonly SendSample[], from: number, to: number): SendSample[] {
  return samples.filter((sample) => sample.startedAt >= from && sample.startedAt < to);
}
