import { describe, expect, it } from 'vitest';
import { createRetentionMetrics, type HoldCounts } from './retentionMetrics.ts';

describe('the legal hold metrics', () => {
  it("show the holds in force and the rooms they keep as Bleep's database says at each scrape", async () => {
    let counts: HoldCounts = { room: 2, user: 1, roomsHeld: 5 };
    let reads = 0;
    const metrics = createRetentionMetrics({
      holdCounts: () => {
        reads += 1;
        return Promise.resolve(counts);
      },
    });
    let text = await metrics.registry.metrics();
    expect(text).toContain('bleep_retention_legal_holds_active{kind="room"} 2');
    expect(text).toContain('bleep_retention_legal_holds_active{kind="user"} 1');
    expect(text).toContain('bleep_retention_rooms_held 5');
    // One read of the database for both gauges.
    expect(reads).toBe(1);
    counts = { room: 0, user: 0, roomsHeld: 0 };
    text = await metrics.registry.metrics();
    expect(text).toContain('bleep_retention_rooms_held 0');
    expect(reads).toBe(2);
  });

  it('keep the last values when the database cannot be read, and count the failure', async () => {
    let down = false;
    const metrics = createRetentionMetrics({
      holdCounts: () =>
        down ? Promise.reject(new Error('down')) : Promise.resolve({ room: 1, user: 0, roomsHeld: 1 }),
    });
    await metrics.registry.metrics();
    down = true;
    const text = await metrics.registry.metrics();
    expect(text).toContain('bleep_retention_rooms_held 1');
    // Counted as the read fails, so shown from the next scrape on.
    expect(await metrics.registry.getSingleMetricAsString('bleep_retention_failures_total')).toContain(
      'bleep_retention_failures_total{step="legal-hold-metrics"} 1',
    );
  });
});

describe('what /metrics may carry', () => {
  it('names no room, user or device: every label is one of a fixed set of kinds, so /metrics can stay open', async () => {
    const metrics = createRetentionMetrics({
      holdCounts: () => Promise.resolve({ room: 1, user: 1, roomsHeld: 3 }),
    });
    // The run's labels, as a run sets them.
    metrics.failures.inc({ step: 'room' });
    metrics.purged.inc({ kind: 'events' }, 3);
    metrics.runs.inc({ trigger: 'schedule', status: 'failed' });
    metrics.expirySignOuts.inc({ reason: 'over-age', outcome: 'signed-out' });
    metrics.reportRefusals.inc({ reason: 'wrong' });
    // Labels whose values are a closed set (a step, a kind, a status...) or prom-client's own process metrics.
    const allowed = new Set([
      'step',
      'kind',
      'trigger',
      'status',
      'dependency',
      'where',
      'state',
      'reason',
      'outcome',
      'version',
      'major',
      'minor',
      'patch',
      'space',
      'type',
    ]);
    const labels = new Set<string>();
    for (const metric of await metrics.registry.getMetricsAsJSON()) {
      for (const value of metric.values) for (const name of Object.keys(value.labels)) labels.add(name);
    }
    expect([...labels].filter((name) => !allowed.has(name))).toEqual([]);
    expect(await metrics.registry.metrics()).not.toMatch(/[!@]\w+:|\$\w{8,}/);
  });
});
