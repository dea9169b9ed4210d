import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findNhsNumbers, isValidNhsNumber, nhsCheckDigit } from './nhsNumber.ts';

describe('NHS number', () => {
  it('accepts a valid number in every usual spelling', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('943 476 5919')).toBe(true);
    expect(isValidNhsNumber('943-476-5919')).toBe(true);
  });

  it('refuses a wrong check digit, and nine digits whose check would be 10', () => {
    expect(isValidNhsNumber('9434765918')).toBe(false);
    // Weighted sum 6 x 2 = 12, remainder 1: the check would be 10, so no NHS number starts with these nine digits.
    expect(nhsCheckDigit('000000006')).toBeUndefined();
    expect(isValidNhsNumber('0000000060')).toBe(false);
  });

  it('finds numbers in free text, but not inside longer digit runs', () => {
    expect(findNhsNumbers('Bed 4, Mr Smith 943 476 5919, for review')).toEqual(['9434765919']);
    expect(findNhsNumbers('call 0019434765919 or ext 9434765919')).toEqual(['9434765919']);
    expect(findNhsNumbers('no numbers here, only 12345')).toEqual([]);
    expect(findNhsNumbers('94347659190')).toEqual([]);
  });

  it('always finds nine random digits followed by their check digit', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), fc.constantFrom('', ' ', '-'), (nine, separator) => {
        const check = nhsCheckDigit(nine);
        fc.pre(check !== undefined);
        const number = `${nine.slice(0, 3)}${separator}${nine.slice(3, 6)}${separator}${nine.slice(6)}${String(check)}`;
        expect(findNhsNumbers(`patient ${number} on ward 3`)).toEqual([`${nine}${String(check)}`]);
      }),
    );
  });

  it('never accepts a valid number with one digit changed', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{9}$/),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (nine, position, shift) => {
          const check = nhsCheckDigit(nine);
          fc.pre(check !== undefined);
          const digits = Array.from(`${nine}${String(check)}`, Number);
          digits[position] = ((digits[position] ?? 0) + shift) % 10;
          expect(isValidNhsNumber(digits.join(''))).toBe(false);
        },
      ),
    );
  });
});
