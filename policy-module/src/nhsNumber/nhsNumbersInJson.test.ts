import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spellingOf, textWithoutDigits, validNhsNumber } from './nhsNumberArbitraries.testkit.ts';
import { findNhsNumbersInJson } from './nhsNumbersInJson.ts';

const nhsNumber = '943 476 5919';

/** A JSON pointer segment, escaped as RFC 6901 says. */
function segmentOf(key: string | number): string {
  return typeof key === 'number' ? String(key) : key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** A value that holds `leaf` at `path`, with unrelated siblings on the way down. */
function nestAt(path: readonly (string | number)[], leaf: unknown): unknown {
  let value = leaf;
  for (const step of [...path].reverse()) {
    if (typeof step === 'number') {
      value = [...Array.from({ length: step }, () => 'filler'), value, { other: true }];
    } else {
      value = { before: 'text', [step]: value, after: [1, null] };
    }
  }
  return value;
}

describe('findNhsNumbersInJson', () => {
  it('finds a number in a string value at any depth, and names its place as a JSON pointer', () => {
    const body = {
      name: 'Ward 4 handover',
      initial_state: [
        { type: 'm.room.guest_access', content: { guest_access: 'forbidden' } },
        { type: 'm.room.topic', state_key: '', content: { topic: `Bed 4 ${nhsNumber}` } },
      ],
    };
    expect(findNhsNumbersInJson(body)).toEqual([{ path: '/initial_state/1/content/topic' }]);
  });

  it('finds a number in an object key, and leaves the key out of the path', () => {
    const body = { tags: { [`u.patient.${nhsNumber}`]: { order: 0.5 } } };
    expect(findNhsNumbersInJson(body)).toEqual([{ path: '/tags/~redacted' }]);
  });

  it('never writes a key holding a number into the path of what lies below it', () => {
    const body = { [nhsNumber]: { note: 'NHS 4505577104' } };
    const places = findNhsNumbersInJson(body);
    expect(places).toEqual([{ path: '/~redacted' }, { path: '/~redacted/note' }]);
  });

  it("lists every place, in the order of the value's keys and elements", () => {
    const body = {
      a: `x ${nhsNumber}`,
      b: { c: '4505577104' },
      'ref 4010232137': 1,
      d: ['fine', ['987-654-3210']],
    };
    expect(findNhsNumbersInJson(body).map(({ path }) => path)).toEqual([
      '/a',
      '/b/c',
      '/~redacted',
      '/d/1/0',
    ]);
  });

  it('escapes "~" and "/" in keys as RFC 6901 says', () => {
    expect(findNhsNumbersInJson({ 'a/b~c': { 'm.room/x': nhsNumber } })).toEqual([
      { path: '/a~1b~0c/m.room~1x' },
    ]);
  });

  it('names the whole value with the empty pointer', () => {
    expect(findNhsNumbersInJson(nhsNumber)).toEqual([{ path: '' }]);
  });

  it('finds nothing in a body without numbers, and reads only strings', () => {
    expect(
      findNhsNumbersInJson({ name: 'Ward 4', visibility: 'private', invite: ['@dr.smith:nhs.uk'] }),
    ).toEqual([]);
    // A JSON number is not free text; the 90-day retention period in milliseconds, 7776000000, passes Modulus 11.
    expect(
      findNhsNumbersInJson({ max_lifetime: 7776000000, count: 9434765919, flag: true, none: null }),
    ).toEqual([]);
    expect(findNhsNumbersInJson(undefined)).toEqual([]);
  });

  it('walks nesting far deeper than any stack allows', () => {
    const depth = 100_000;
    let deepArray: unknown = `Bed 4 ${nhsNumber}`;
    let deepObject: unknown = { [nhsNumber]: 'x' };
    for (let level = 0; level < depth; level += 1) {
      deepArray = [deepArray];
      deepObject = { a: deepObject };
    }
    expect(findNhsNumbersInJson(deepArray)).toEqual([{ path: '/0'.repeat(depth) }]);
    expect(findNhsNumbersInJson(deepObject)).toEqual([{ path: `${'/a'.repeat(depth)}/~redacted` }]);
  });

  it('walks a value that contains itself once instead of forever', () => {
    const looped: Record<string, unknown> = { topic: nhsNumber };
    looped.self = looped;
    expect(findNhsNumbersInJson(looped)).toEqual([{ path: '/topic' }]);
  });

  it('finds a number however it is spelled, wherever it is put, and never puts it in a path', () => {
    const step = fc.oneof(textWithoutDigits, fc.nat(3));
    fc.assert(
      fc.property(
        validNhsNumber.chain((number) => fc.tuple(fc.constant(number), spellingOf(number))),
        fc.array(step, { maxLength: 6 }),
        fc.boolean(),
        ([number, spelled], path, asKey) => {
          const text = `MRN ${spelled}`;
          const value = asKey ? nestAt(path, { [text]: 'x' }) : nestAt(path, text);
          const pointer = path.map((key) => `/${segmentOf(key)}`).join('') + (asKey ? '/~redacted' : '');
          const places = findNhsNumbersInJson(value);
          expect(places).toEqual([{ path: pointer }]);
          expect(JSON.stringify(places)).not.toContain(number);
        },
      ),
    );
  });
});
