import { parsePolicy } from '@bleep/policy-module';
import { describe, expect, it } from 'vitest';
import { runWindow } from './runWindow.ts';

const policy = parsePolicy(
  {
    version: 1,
    trust: { name: 'Northgate', odsCode: 'RXA', serverName: 'trust-a.example' },
    federation: { partners: [] },
    retention: { serverHours: 72 },
  },
  'inline',
);
const startedAt = new Date('2026-11-28T12:00:00Z');

describe('runWindow', () => {
  it("purges what is older than the policy's hours and proves one interval past them", () => {
    const window = runWindow({ policy, startedAt, intervalSeconds: 600 });
    expect(window.windowSource).toBe('policy');
    expect(window.windowSeconds).toBe(72 * 3600);
    expect(window.cutoff.toISOString()).toBe('2026-11-25T12:00:00.000Z');
    expect(window.proofHorizon.toISOString()).toBe('2026-11-25T11:50:00.000Z');
  });

  it('a test override proves its own cutoff, with no grace', () => {
    const window = runWindow({ policy, startedAt, intervalSeconds: 600, olderThanSeconds: 5 });
    expect(window.windowSource).toBe('override');
    expect(window.cutoff.toISOString()).toBe('2026-11-28T11:59:55.000Z');
    expect(window.proofHorizon).toEqual(window.cutoff);
  });
});
