import { describe, expect, it } from 'vitest';
import { isRecord, isWrite } from './rule.ts';

describe('what the rules read', () => {
  it('takes only a JSON object for a record: not null, an array, a string or a number', () => {
    expect(isRecord({ a: 1 })).toBe(true);
    for (const value of [null, undefined, [], ['a'], 'text', 42, true]) {
      expect(isRecord(value), JSON.stringify(value)).toBe(false);
    }
  });

  it('counts every method but GET as a write', () => {
    expect(isWrite('GET')).toBe(false);
    for (const method of ['PUT', 'POST', 'DELETE']) expect(isWrite(method), method).toBe(true);
  });
});
