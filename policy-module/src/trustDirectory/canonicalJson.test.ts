import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonicalJson.ts';

/** The same JSON value with every number rounded: canonical JSON (like Matrix's) has integers only. */
function withIntegersOnly(value: unknown): unknown {
  if (typeof value === 'number') return Math.round(value);
  if (Array.isArray(value)) return value.map(withIntegersOnly);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withIntegersOnly(item)]));
  }
  return value;
}

describe('canonical JSON', () => {
  it('sorts keys at every depth and leaves out all insignificant whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: true }], c: 'x y' } })).toBe(
      '{"a":{"c":"x y","d":[3,{"y":true,"z":null}]},"b":1}',
    );
  });

  it('gives the same text however the document was formatted or its keys ordered', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'grapheme' }).map(withIntegersOnly), (value) => {
        const reformatted: unknown = JSON.parse(JSON.stringify(value, null, 3));
        expect(canonicalJson(reformatted)).toBe(canonicalJson(value));
      }),
    );
    expect(canonicalJson(JSON.parse('{ "b" : 2,\n "a" : [ 1 ] }'))).toBe(canonicalJson({ a: [1], b: 2 }));
  });

  it('changes when any value changes', () => {
    const base = { serverName: 'southmere.nhs.uk', odsCode: 'RXB' };
    expect(canonicalJson({ ...base, serverName: 'southmere.nhs.uk.' })).not.toBe(canonicalJson(base));
    expect(canonicalJson({ ...base, extra: null })).not.toBe(canonicalJson(base));
    expect(canonicalJson(['a', 'b'])).not.toBe(canonicalJson(['b', 'a']));
  });

  it('refuses fractions, which have no single spelling', () => {
    expect(() => canonicalJson({ version: 1.5 })).toThrow(TypeError);
    expect(canonicalJson({ version: 1.0 })).toBe('{"version":1}');
  });
});
