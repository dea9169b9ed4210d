import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsNhsNumber, findNhsNumbers, isValidNhsNumber, nhsCheckDigit } from './nhsNumber.ts';
import {
  spellingOf,
  textWithoutDigits,
  validNhsNumber,
  wordBoundaries,
  wrongCheckDigitNumber,
} from './nhsNumberArbitraries.testkit.ts';

describe('NHS number check digit', () => {
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

  it('never accepts a valid number with one digit changed', () => {
    fc.assert(
      fc.property(
        validNhsNumber,
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (number, position, shift) => {
          const digits = Array.from(number, Number);
          digits[position] = ((digits[position] ?? 0) + shift) % 10;
          expect(isValidNhsNumber(digits.join(''))).toBe(false);
          expect(findNhsNumbers(digits.join(''))).toEqual([]);
        },
      ),
    );
  });
});

describe('isValidNhsNumber', () => {
  it('accepts a whole text that is one number, in any grouping and any script', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('943 476 5919')).toBe(true);
    expect(isValidNhsNumber('943-476-5919')).toBe(true);
    expect(isValidNhsNumber('9 4 3 4 7 6 5 9 1 9')).toBe(true);
    expect(isValidNhsNumber('943  476 5919')).toBe(true);
    expect(isValidNhsNumber('943.476.5919')).toBe(true);
    expect(isValidNhsNumber('９４３ ４７６ ５９１９')).toBe(true);
  });

  it('refuses anything else: other lengths, other text around it, separators that do not join', () => {
    expect(isValidNhsNumber('943476591')).toBe(false);
    expect(isValidNhsNumber('94347659190')).toBe(false);
    expect(isValidNhsNumber('NHS 9434765919')).toBe(false);
    expect(isValidNhsNumber(' 9434765919')).toBe(false);
    expect(isValidNhsNumber('9434765919.')).toBe(false);
    expect(isValidNhsNumber('943,476,5919')).toBe(false);
    expect(isValidNhsNumber('943:476:5919')).toBe(false);
    expect(isValidNhsNumber('')).toBe(false);
  });

  it('accepts every spelling the finder sees through, and no number with a wrong check digit', () => {
    fc.assert(
      fc.property(
        validNhsNumber.chain((number) => spellingOf(number)),
        (spelled) => {
          expect(isValidNhsNumber(spelled)).toBe(true);
        },
      ),
    );
    fc.assert(
      fc.property(
        wrongCheckDigitNumber.chain((number) => spellingOf(number)),
        (spelled) => {
          expect(isValidNhsNumber(spelled)).toBe(false);
        },
      ),
    );
  });
});

describe('findNhsNumbers', () => {
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
    expect(findNhsNumbers('9434765919, 4505577104')).toEqual(['9434765919', '4505577104']);
    expect(findNhsNumbers('9434765919 4505577104')).toEqual(['9434765919', '4505577104']);
  });

  it('finds numbers grouped any way, with dots, underscores or slashes between the groups', () => {
    for (const spelled of [
      '94 34 76 59 19',
      '9 4 3 4 7 6 5 9 1 9',
      '943.476.5919',
      '94.347.65.919',
      '943_476_5919',
      '943/476/5919',
      '943 - 476 - 5919',
      '943  476\t\t5919',
    ]) {
      expect(findNhsNumbers(`Mr X ${spelled} ward 4`)).toEqual(['9434765919']);
    }
  });

  it('finds numbers pasted with no-break spaces, thin spaces, tabs or dashes between the groups', () => {
    for (const separator of ['\u00a0', '\u2009', '\u202f', '\u3000', '\t', '\u2013', '\u2011', '\u2212']) {
      expect(findNhsNumbers(`Mr X 943${separator}476${separator}5919`)).toEqual(['9434765919']);
    }
  });

  it('finds numbers with zero-width or other invisible characters between the digits', () => {
    expect(findNhsNumbers('Mr X 9\u200b4\u200b3\u200b4\u200b7\u200b6\u200b5\u200b9\u200b1\u200b9')).toEqual([
      '9434765919',
    ]);
    expect(findNhsNumbers('943\u2060476\u00ad5919 \ufeff')).toEqual(['9434765919']);
  });

  it('finds a number drawn backwards by a right-to-left override: reversal keeps the check digit valid', () => {
    // Stored as 9195674349, drawn as 9434765919: both are valid, so the text is refused either way.
    expect(findNhsNumbers('Mr X \u202e9195674349\u202c')).toEqual(['9195674349']);
    fc.assert(
      fc.property(validNhsNumber, (number) => {
        expect(isValidNhsNumber(Array.from(number).reverse().join(''))).toBe(true);
      }),
    );
  });

  it('finds numbers in full-width, Arabic-Indic, Devanagari and other digits', () => {
    expect(findNhsNumbers('Mr X ９４３４７６５９１９')).toEqual(['9434765919']);
    expect(findNhsNumbers('المريض ٩٤٣٤٧٦٥٩١٩')).toEqual(['9434765919']);
    expect(findNhsNumbers('रोगी ९४३ ४७६ ५९१९')).toEqual(['9434765919']);
    expect(findNhsNumbers('𝟗𝟒𝟑𝟒𝟕𝟔𝟓𝟗𝟏𝟗')).toEqual(['9434765919']);
    expect(findNhsNumbers('❾❹❸ ❹❼❻ ❺❾❶❾')).toEqual(['9434765919']);
  });

  it('finds numbers written struck through, as keycaps, or after a numero sign', () => {
    expect(findNhsNumbers('9\u03364\u03363\u03364\u03367\u03366\u03365\u03369\u03361\u03369\u0336')).toEqual([
      '9434765919',
    ]);
    expect(findNhsNumbers('9️⃣4️⃣3️⃣4️⃣7️⃣6️⃣5️⃣9️⃣1️⃣9️⃣')).toEqual(['9434765919']);
    expect(findNhsNumbers('NHS №9434765919')).toEqual(['9434765919']);
  });

  it('finds numbers in identifiers made of words and separators (state keys, tags)', () => {
    expect(findNhsNumbers('patient_9434765919')).toEqual(['9434765919']);
    expect(findNhsNumbers('u.9434765919')).toEqual(['9434765919']);
    expect(findNhsNumbers('uk.nhs.patient.943-476-5919')).toEqual(['9434765919']);
  });

  it('ignores digits inside a longer token of letters and digits (base64, hex)', () => {
    expect(findNhsNumbers('aB9434765919x')).toEqual([]);
    expect(findNhsNumbers('q8JI5T/Ab1c9434765919')).toEqual([]);
    expect(findNhsNumbers('sha1 f9434765919e')).toEqual([]);
    // Letters a-f alone are hex, not a word.
    expect(findNhsNumbers('deadbeef9434765919')).toEqual([]);
    expect(findNhsNumbers('550e8400-e29b-41d4-a716-ab9434765919')).toEqual([]);
  });

  it('finds a number glued to a word on one side, as identifiers without spaces write it', () => {
    expect(findNhsNumbers('#pt9434765919:trust-a.nhs.uk')).toEqual(['9434765919']);
    expect(findNhsNumbers('NHS943-476-5919')).toEqual(['9434765919']);
    expect(findNhsNumbers('9434765919x')).toEqual(['9434765919']);
    expect(findNhsNumbers('ward4.bed2.Smith9434765919')).toEqual(['9434765919']);
  });

  it('does not join digits across a colon that has digits on both sides (clock times, ports)', () => {
    expect(findNhsNumbers('round on 2024-01-15 10:30')).toEqual([]);
    // The same digits with the colon as a label still count.
    expect(findNhsNumbers('NHS: 9434765919')).toEqual(['9434765919']);
    expect(findNhsNumbers('NHS:9434765919')).toEqual(['9434765919']);
  });

  it('keeps values apart that long runs of marks lay out in columns', () => {
    expect(findNhsNumbers('Bay 943 ---------- 4765919')).toEqual([]);
    expect(findNhsNumbers('Bay 943 --- 4765919')).toEqual(['9434765919']);
  });

  it('never finds a ten-digit slice of a longer digit run', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{11,16}$/), (run) => {
        expect(findNhsNumbers(`tel ${run} ext`)).toEqual([]);
      }),
    );
  });

  it('always finds a valid number embedded in any text, however it is spelled', () => {
    fc.assert(
      fc.property(
        validNhsNumber.chain((number) => fc.tuple(fc.constant(number), spellingOf(number))),
        textWithoutDigits,
        fc.constantFrom(...wordBoundaries),
        fc.constantFrom(...wordBoundaries),
        textWithoutDigits,
        ([number, spelled], before, open, close, after) => {
          expect(findNhsNumbers(`${before}${open}${spelled}${close}${after}`)).toEqual([number]);
        },
      ),
    );
  });

  it('always finds a valid number glued to a word on one side, however it is spelled', () => {
    const word = fc.oneof(
      fc.stringMatching(/^[A-Za-z]{0,6}[G-Zg-z][A-Za-z]{0,6}$/),
      fc.constantFrom('пациент', 'ασθενής', 'رقم', '患者'),
    );
    fc.assert(
      fc.property(
        validNhsNumber.chain((number) => fc.tuple(fc.constant(number), spellingOf(number))),
        word,
        fc.boolean(),
        ([number, spelled], glued, before) => {
          const token = before ? `${glued}${spelled}` : `${spelled}${glued}`;
          expect(findNhsNumbers(`room #${token}:trust-a.nhs.uk`)).toEqual([number]);
        },
      ),
    );
  });

  it('never finds a number with a wrong check digit, however it is spelled', () => {
    fc.assert(
      fc.property(
        wrongCheckDigitNumber.chain((number) => spellingOf(number)),
        textWithoutDigits,
        textWithoutDigits,
        (spelled, before, after) => {
          expect(findNhsNumbers(`${before} ${spelled} ${after}`)).toEqual([]);
        },
      ),
    );
  });
});

describe('containsNhsNumber', () => {
  it('answers whether findNhsNumbers finds anything', () => {
    expect(containsNhsNumber('Bed 4, Mr Smith 943 476 5919')).toBe(true);
    expect(containsNhsNumber('Mr X ９４３４７６５９１９')).toBe(true);
    expect(containsNhsNumber('wrong check 943 476 5918')).toBe(false);
    expect(containsNhsNumber('Ward 4 handover')).toBe(false);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        expect(containsNhsNumber(text)).toBe(findNhsNumbers(text).length > 0);
      }),
    );
  });

  it('reads HTML as it is drawn: character references decoded, tags dropped', () => {
    for (const text of [
      '&#57;&#52;&#51;&#52;&#55;&#54;&#53;&#57;&#49;&#57;',
      '&#x39;&#x34;&#x33; &#x34;&#x37;&#x36; &#x35;&#x39;&#x31;&#x39;',
      '943&nbsp;476&ndash;5919',
      '<p>943<b></b>476<i>5919</i></p>',
      '943&shy;476&zwj;5919',
    ]) {
      expect(findNhsNumbers(text), text).toEqual(['9434765919']);
    }
    expect(findNhsNumbers('&#57;&#52;&#51;&#52;&#55;&#54;&#53;&#57;&#49;&#56;')).toEqual([]);
    expect(findNhsNumbers('<a href="https://example.nhs.uk/9434765918">bed 4</a> &amp; &unknown;')).toEqual(
      [],
    );
    expect(findNhsNumbers('&#xD800;&#1114112;')).toEqual([]);
  });
});
