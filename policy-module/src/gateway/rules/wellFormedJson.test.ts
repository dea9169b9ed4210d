import { describe, expect, it } from 'vitest';
import { jsonValueProblem, maxJsonDepth, parseWellFormedJson } from './wellFormedJson.ts';

const parse = (text: string | Buffer) => () =>
  parseWellFormedJson(Buffer.isBuffer(text) ? text : Buffer.from(text));

describe('rule: request bodies read the same to every parser', () => {
  it('parses ordinary JSON', () => {
    expect(parseWellFormedJson(Buffer.from('{"name": "Ward 12", "n": [1, {"a": null}]}'))).toEqual({
      name: 'Ward 12',
      n: [1, { a: null }],
    });
  });

  it('refuses NUL characters and lone surrogates in values and in keys', () => {
    for (const text of [
      '{"a": "x\\u0000"}',
      '{"a\\u0000": 1}',
      '["\\udc00"]',
      '{"\\ud800": 1}',
      '{"a": ["ok", "\\ud83d"]}',
    ]) {
      expect(parse(text), text).toThrow(expect.objectContaining({ status: 400, errcode: 'M_BAD_JSON' }));
    }
    expect(parseWellFormedJson(Buffer.from('{"a": "\\ud83d\\ude00"}'))).toEqual({ a: '😀' });
  });

  it(`refuses nesting deeper than ${maxJsonDepth} levels, without overflowing a stack on 100,000`, () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(parseWellFormedJson(Buffer.from(nested(maxJsonDepth)))).toBeDefined();
    expect(parse(nested(maxJsonDepth + 1))).toThrow(expect.objectContaining({ errcode: 'M_BAD_JSON' }));
    expect(parse(nested(100_000))).toThrow(expect.objectContaining({ errcode: 'M_BAD_JSON' }));
    expect(parse(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`)).toThrow(
      expect.objectContaining({ errcode: 'M_BAD_JSON' }),
    );
  });

  it('refuses bytes that are not UTF-8 and text that is not JSON', () => {
    expect(parse(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x22, 0x7d]))).toThrow(
      expect.objectContaining({ errcode: 'M_BAD_JSON' }),
    );
    expect(parse('{"a": ')).toThrow(expect.objectContaining({ status: 400, errcode: 'M_NOT_JSON' }));
    expect(parse('NaN')).toThrow(expect.objectContaining({ errcode: 'M_NOT_JSON' }));
  });

  it('says what is wrong, under its own rule', () => {
    const refusal = (text: string | Buffer) => {
      try {
        parse(text)();
      } catch (error) {
        return (error as { toJSON: () => unknown }).toJSON();
      }
      throw new Error('accepted');
    };
    expect(refusal(Buffer.from([0xc3]))).toEqual({
      errcode: 'M_BAD_JSON',
      error: 'The request body is not UTF-8 text',
      'uk.nhs.bleep.rule': 'well-formed-json',
    });
    expect(refusal('{"a": ')).toEqual({
      errcode: 'M_NOT_JSON',
      error: 'The request body is not valid JSON',
      'uk.nhs.bleep.rule': 'well-formed-json',
    });
    expect(refusal('{"a": "x\\u0000"}')).toEqual({
      errcode: 'M_BAD_JSON',
      error: 'The request body cannot be accepted: a string contains a NUL character',
      'uk.nhs.bleep.rule': 'well-formed-json',
    });
  });

  it('finds nothing wrong with scalars', () => {
    expect(jsonValueProblem(1)).toBeUndefined();
    expect(jsonValueProblem('text')).toBeUndefined();
    expect(jsonValueProblem(null)).toBeUndefined();
  });
});
