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
