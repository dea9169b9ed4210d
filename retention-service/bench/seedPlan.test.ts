import { describe, expect, it } from 'vitest';
import { parseBenchSettings } from './benchSettings.ts';
import { planSeed } from './seedPlan.ts';

const hour = 3_600_000;
const now = Date.UTC(2026, 10, 28, 12);
const settings = parseBenchSettings({ BENCH_EVENTS: '2000', BENCH_ROOMS: '20', BENCH_USERS: '10' });

describe('the seed plan', () => {
  const plan = planSeed(settings, now);

  it('dates most messages before the 72-hour window and the rest within the last day, in time order', () => {
    const old = plan.messages.filter((message) => message.ts < now - 72 * hour);
    expect(old).toHaveLength(1800);
    expect(
      plan.messages.every((message) => message.ts < now - 84 * hour || message.ts > now - 24 * hour),
    ).toBe(true);
    expect(plan.messages.map((message) => message.ts)).toEqual(
      [...plan.messages.map((message) => message.ts)].sort((a, b) => a - b),
    );
  });

  it('gives idle rooms only old messages, and each room three members', () => {
    const idle = new Set(plan.rooms.filter((room) => room.idle).map((room) => room.index));
    expect(idle.size).toBe(4);
    expect(
      plan.messages.filter((message) => idle.has(message.room)).every((m) => m.ts < now - 72 * hour),
    ).toBe(true);
    expect(plan.rooms.every((room) => new Set(room.members).size === 3)).toBe(true);
  });

  it('is the same plan for the same parameters', () => {
    expect(planSeed(settings, now)).toEqual(plan);
  });
});
