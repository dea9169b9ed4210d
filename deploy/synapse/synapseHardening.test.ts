import { describe, expect, it } from 'vitest';
import { durationMs } from './synapseHardening.ts';

describe("Synapse's durations, as the hardening floor reads them", () => {
  it('reads milliseconds and each unit Synapse accepts', () => {
    expect(durationMs(1500)).toBe(1500);
    expect(durationMs('1500')).toBe(1500);
    expect(durationMs('5m')).toBe(300_000);
    expect(durationMs('12h')).toBe(43_200_000);
    expect(durationMs('1d')).toBe(86_400_000);
    expect(durationMs('2w')).toBe(1_209_600_000);
  });

  it('reads nothing it does not know, so an unreadable value is never under the floor', () => {
    for (const value of [null, undefined, '', '12 hours', '-5m', '1.5h', true]) {
      expect(durationMs(value), String(value)).toBeUndefined();
    }
  });
});
