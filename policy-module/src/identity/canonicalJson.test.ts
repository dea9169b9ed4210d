import { describe, expect, it } from 'vitest';
import { canonicalJson, CanonicalJsonError, signableJson } from './canonicalJson.ts';

describe('canonicalJson', () => {
  // The examples of the Matrix specification's "Canonical JSON" appendix.
  it('writes the specification examples as the specification does', () => {
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson({ one: 1, two: 'Two' })).toBe('{"one":1,"two":"Two"}');
    expect(canonicalJson({ b: '2', a: '1' })).toBe('{"a":"1","b":"2"}');
    expect(
      canonicalJson({
        auth: {
          success: true,
          mxid: '@john.doe:example.com',
          profile: {
            display_name: 'John Doe',
            three_pids: [
              { medium: 'email', address: 'john.doe@example.org' },
              { medium: 'msisdn', address: '123456789' },
            ],
          },
        },
      }),
    ).toBe(
      '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}',
    );
    expect(canonicalJson({ a: '日本語' })).toBe('{"a":"日本語"}');
    expect(canonicalJson({ 本: 2, 日: 1 })).toBe('{"日":1,"本":2}');
    expect(canonicalJson({ a: '\u65E5' })).toBe('{"a":"日"}');
    expect(canonicalJson({ a: null })).toBe('{"a":null}');
    expect(canonicalJson({ a: -0, b: 1e10 })).toBe('{"a":0,"b":10000000000}');
  });

  it('orders keys by code point, not by UTF-16 unit', () => {
    // U+1F600 is D83D DE00 in UTF-16, which sorts before U+FF5E as units but after it as code points.
    expect(canonicalJson({ '\u{1F600}': 1, '\uFF5E': 2 })).toBe('{"～":2,"😀":1}');
  });

  it('refuses numbers Matrix cannot sign', () => {
    expect(() => canonicalJson({ a: 1.5 })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ a: 2 ** 53 })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(CanonicalJsonError);
  });

  it('signs an object without its signatures and unsigned members', () => {
    expect(signableJson({ b: 1, signatures: { x: {} }, unsigned: { age: 3 }, a: [true] })).toBe(
      '{"a":[true],"b":1}',
    );
  });
});
