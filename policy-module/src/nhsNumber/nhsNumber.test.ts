import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findNhsNumbers, isValidNhsNumber, nhsCheckDigit } from './nhsNumber.ts';

/** Nine digits and their check digit, for the nine-digit prefixes that have one. */
function withCheckDigit(nine: string): string | undefined {
  const check = nhsCheckDigit(nine);
  return check === undefined ? undefined : `${nine}${String(check)}`;
}

describe('NHS number', () => {
  it('accepts a valid number in every usual spelling', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('943 476 5919')).toBe(true);
    expect(isValidNhsNumber('943-476-5919')).toBe(true);
  });

  it('computes the check digit by hand-checked examples, including remainder 0 giving check digit 0', () => {
    // 4x10 + 0x9 + 1x8 + 0x7 + 2x6 + 3x5 + 2x4 + 1x3 + 3x2 = 92; 92 mod 11 = 4; 11 - 4 = 7.
    expect(nhsCheckDigit('401023213')).toBe(7);
    expect(isValidNhsNumber('4010232137')).toBe(true);
    // 10 + 18 + 24 + 28 + 30 + 30 + 28 + 24 + 16 = 208; 208 mod 11 = 10; 11 - 10 = 1.
    expect(isValidNhsNumber('1234567881')).toBe(true);
    // 90 + 72 + 56 + 42 + 30 + 20 + 12 + 6 + 2 = 330, a multiple of 11: the check would be 11, written as 0.
    expect(nhsCheckDigit('987654321')).toBe(0);
    expect(isValidNhsNumber('987 654 3210')).toBe(true);
  });

  it('refuses a wrong check digit, and nine digits whose check would be 10', () => {
    expect(isValidNhsNumber('9434765918')).toBe(false);
    expect(isValidNhsNumber('4010232138')).toBe(false);
    // Weighted sum 6 x 2 = 12, remainder 1: the check would be 10, so no NHS number starts with these nine digits.
    expect(nhsCheckDigit('000000006')).toBeUndefined();
    expect(isValidNhsNumber('0000000060')).toBe(false);
    // 9x10 + 9x9 + 9x8 = 243, remainder 1 again.
    expect(nhsCheckDigit('999000000')).toBeUndefined();
  });

  it('refuses anything that is not ten digits in one of the usual spellings', () => {
    expect(isValidNhsNumber('943476591')).toBe(false);
    expect(isValidNhsNumber('94347659190')).toBe(false);
    expect(isValidNhsNumber('9 4 3 4 7 6 5 9 1 9')).toBe(false);
    expect(isValidNhsNumber('943  476 5919')).toBe(false);
    expect(isValidNhsNumber('NHS 9434765919')).toBe(false);
    expect(isValidNhsNumber('')).toBe(false);
  });

  it('finds numbers in free text, but not inside longer digit runs', () => {
    expect(findNhsNumbers('Bed 4, Mr Smith 943 476 5919, for review')).toEqual(['9434765919']);
    expect(findNhsNumbers('NHS no:943-476-5919.')).toEqual(['9434765919']);
    expect(findNhsNumbers('ref 123 943 4765919')).toEqual(['9434765919']);
    // A twelve-digit phone number holds a valid ten-digit slice (9434765919): it is not an NHS number.
    expect(findNhsNumbers('call 019434765919 or 9434765919x')).toEqual(['9434765919']);
    expect(findNhsNumbers('call 0019434765919')).toEqual([]);
    expect(findNhsNumbers('94347659190')).toEqual([]);
    expect(findNhsNumbers('943 476 59190')).toEqual([]);
    expect(findNhsNumbers('no numbers here, only 12345')).toEqual([]);
    expect(findNhsNumbers('wrong check 943 476 5918')).toEqual([]);
  });

  it('finds every number in a text, in order', () => {
    expect(findNhsNumbers('transfer 4010232137 then 987-654-3210, not 1234567880')).toEqual([
      '4010232137',
      '9876543210',
    ]);
  });

  it('finds numbers pasted with no-break spaces, thin spaces, tabs or dashes between the groups', () => {
    for (const separator of ['\u00a0', '\u2009', '\u202f', '\t', '\u2013', '\u2011', '\u2212']) {
      expect(findNhsNumbers(`Mr X 943${separator}476${separator}5919`)).toEqual(['9434765919']);
    }
  });

  it('always finds nine random digits followed by their check digit, however it is spelled', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{9}$/),
        fc.constantFrom('', ' ', '-'),
        fc.string(),
        (nine, separator, words) => {
          const number = withCheckDigit(nine);
          fc.pre(number !== undefined);
          const spelled = `${number.slice(0, 3)}${separator}${number.slice(3, 6)}${separator}${number.slice(6)}`;
          expect(isValidNhsNumber(spelled)).toBe(true);
          // Surrounding words without digits at the edges never hide the number.
          const around = words.replace(/\d/g, '');
          expect(findNhsNumbers(`${around} patient ${spelled} on ward ${around}`)).toContain(number);
        },
      ),
    );
  });

  it('never accepts a valid number with one digit changed', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{9}$/),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (nine, position, shift) => {
          const number = withCheckDigit(nine);
          fc.pre(number !== undefined);
          const digits = Array.from(number, Number);
          digits[position] = ((digits[position] ?? 0) + shift) % 10;
          expect(isValidNhsNumber(digits.join(''))).toBe(false);
          expect(findNhsNumbers(digits.join(''))).toEqual([]);
        },
      ),
    );
  });

  it('never finds a ten-digit slice of a longer digit run', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{11,16}$/), (run) => {
        expect(findNhsNumbers(`tel ${run} ext`)).toEqual([]);
      }),
    );
  });
});
