import { describe, expect, it } from 'vitest';
import { byDay, dayLabel, shortTime } from './messageTime.ts';

const now = new Date(2026, 10, 28, 15, 30).getTime();

describe('message times', () => {
  it('names today and yesterday, then the date', () => {
    expect(dayLabel(new Date(2026, 10, 28, 0, 1).getTime(), now)).toBe('Today');
    expect(dayLabel(new Date(2026, 10, 27, 23, 59).getTime(), now)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 10, 3, 9).getTime(), now)).toBe('Tuesday 3 November 2026');
  });

  it('shows the clock today and the date before', () => {
    expect(shortTime(new Date(2026, 10, 28, 9, 5).getTime(), now)).toBe('09:05');
    expect(shortTime(new Date(2026, 10, 3, 9, 5).getTime(), now)).toBe('3 Nov');
  });

  it('groups a conversation by day, keeping its order', () => {
    const items = [
      { id: 'a', sentAt: new Date(2026, 10, 27, 22).getTime() },
      { id: 'b', sentAt: new Date(2026, 10, 28, 8).getTime() },
      { id: 'c', sentAt: new Date(2026, 10, 28, 9).getTime() },
    ];
    expect(byDay(items).map((group) => group.items.map((item) => item.id))).toEqual([['a'], ['b', 'c']]);
  });
});
