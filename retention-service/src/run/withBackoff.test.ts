import { describe, expect, it } from 'vitest';
import { isTransientDatabaseError, withBackoff } from './withBackoff.ts';

class Down extends Error {
  readonly code = 'ECONNREFUSED';
}

describe('withBackoff', () => {
  it('tries again after doubling waits until the dependency answers, and reports each retry', async () => {
    const waits: number[] = [];
    const retries: number[] = [];
    let calls = 0;
    const result = await withBackoff(
      () => {
        calls += 1;
        return calls < 3 ? Promise.reject(new Down()) : Promise.resolve('answer');
      },
      {
        attempts: 5,
        baseMs: 100,
        isRetryable: () => true,
        onRetry: (_error, attempt) => retries.push(attempt),
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      },
    );
    expect(result).toBe('answer');
    expect(waits).toEqual([100, 200]);
    expect(retries).toEqual([1, 2]);
  });

  it('gives up after its attempts, and never retries a refusal', async () => {
    const sleep = () => Promise.resolve();
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(new Down());
    };
    await expect(
      withBackoff(failing, { attempts: 3, baseMs: 1, isRetryable: () => true, sleep }),
    ).rejects.toThrow(Down);
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      withBackoff(failing, { attempts: 3, baseMs: 1, isRetryable: () => false, sleep }),
    ).rejects.toThrow(Down);
    expect(calls).toBe(1);
  });

  it('waits as long as the dependency asks, up to the longest wait', async () => {
    const waits: number[] = [];
    let calls = 0;
    await withBackoff(
      () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Down()) : Promise.resolve();
      },
      {
        attempts: 2,
        baseMs: 10,
        maxMs: 5000,
        isRetryable: () => true,
        requestedDelayMs: () => 9000,
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      },
    );
    expect(waits).toEqual([5000]);
  });
});

describe('isTransientDatabaseError', () => {
  it('retries a server that is gone, starting or out of connections, not a refused query', () => {
    expect(isTransientDatabaseError({ code: 'ECONNREFUSED' })).toBe(true);
    expect(isTransientDatabaseError({ code: '57P03' })).toBe(true);
    expect(isTransientDatabaseError({ code: '53300' })).toBe(true);
    expect(isTransientDatabaseError({ code: '42501' })).toBe(false);
    expect(isTransientDatabaseError(new Error('syntax'))).toBe(false);
  });
});
