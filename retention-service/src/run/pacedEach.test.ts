import { describe, expect, it } from 'vitest';
import { pacedEach } from './pacedEach.ts';

/** A clock that moves only when the code under test sleeps. */
function virtualTime() {
  let now = 0;
  return {
    clock: () => new Date(now),
    sleep: (ms: number) => {
      now += ms;
      return Promise.resolve();
    },
    now: () => now,
  };
}

describe('pacedEach', () => {
  it('spreads the starts over the spread and keeps results in order', async () => {
    const time = virtualTime();
    const starts: number[] = [];
    const results = await pacedEach([1, 2, 3, 4], { concurrency: 1, spreadMs: 1000, ...time }, (item) => {
      starts.push(time.now());
      return Promise.resolve(item * 10);
    });
    expect(results).toEqual([10, 20, 30, 40]);
    expect(starts).toEqual([0, 250, 500, 750]);
  });

  it('never has more items in progress than its concurrency', async () => {
    let inProgress = 0;
    let most = 0;
    const time = virtualTime();
    await pacedEach(
      Array.from({ length: 10 }, (_, index) => index),
      { concurrency: 3, spreadMs: 0, ...time },
      async () => {
        inProgress += 1;
        most = Math.max(most, inProgress);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inProgress -= 1;
      },
    );
    expect(most).toBe(3);
  });

  it('does nothing for no items', async () => {
    expect(
      await pacedEach([], { concurrency: 2, spreadMs: 100, ...virtualTime() }, () => Promise.resolve(1)),
    ).toEqual([]);
  });
});
