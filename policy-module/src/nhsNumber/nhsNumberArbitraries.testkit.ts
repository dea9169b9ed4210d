// fast-check arbitraries for NHS numbers and the ways people, word processors and people dodging the rule spell
// them: for the finder's tests and for the tests of the rules that rely on it. Test code only.
import fc from 'fast-check';
import { nhsCheckDigit } from './nhsNumber.ts';

const nineDigits = fc.stringMatching(/^[0-9]{9}$/);

/** Ten ASCII digits whose last is the Modulus 11 check digit of the first nine. */
export const validNhsNumber: fc.Arbitrary<string> = nineDigits
  .map((nine) => ({ nine, check: nhsCheckDigit(nine) }))
  .filter(({ check }) => check !== undefined)
  .map(({ nine, check }) => `${nine}${String(check)}`);

/** Ten ASCII digits whose last is not the check digit of the first nine (or whose first nine have none). */
export const wrongCheckDigitNumber: fc.Arbitrary<string> = fc
  .tuple(nineDigits, fc.integer({ min: 0, max: 9 }))
  .filter(([nine, last]) => nhsCheckDigit(nine) !== last)
  .map(([nine, last]) => `${nine}${String(last)}`);

const superscripts = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** Ways to write one digit that a reader still reads as that digit. */
const digitSpellings: readonly ((digit: number) => string)[] = [
  (digit) => String(digit),
  (digit) => String.fromCodePoint(0xff10 + digit), // full-width
  (digit) => String.fromCodePoint(0x0660 + digit), // Arabic-Indic
  (digit) => String.fromCodePoint(0x06f0 + digit), // Extended Arabic-Indic (Persian, Urdu)
  (digit) => String.fromCodePoint(0x0966 + digit), // Devanagari
  (digit) => String.fromCodePoint(0x09e6 + digit), // Bengali
  (digit) => String.fromCodePoint(0x0e50 + digit), // Thai
  (digit) => String.fromCodePoint(0x1d7ce + digit), // mathematical bold (outside the BMP)
  (digit) => String.fromCodePoint(0x1d7f6 + digit), // mathematical monospace
  (digit) => superscripts[digit] ?? '',
  (digit) => (digit === 0 ? '\u24ea' : String.fromCodePoint(0x245f + digit)), // circled ⓪ ①..⑨
  (digit) => (digit === 0 ? '\u24ff' : String.fromCodePoint(0x2775 + digit)), // dingbat ⓿ ❶..❾
  (digit) => `${String(digit)}\u0336`, // struck through
  (digit) => `${String(digit)}\ufe0f\u20e3`, // keycap emoji
];

/** What may stand between two groups of digits and still read as one number. */
export const groupSeparators: readonly string[] = [
  ' ',
  '   ',
  '\u00a0', // no-break space
  '\u2002', // en space
  '\u2009', // thin space
  '\u202f', // narrow no-break space
  '\u3000', // ideographic space
  '\u2800', // blank braille cell
  '\t',
  '\n',
  '\r\n',
  '-',
  '\u2010', // hyphen
  '\u2011', // non-breaking hyphen
  '\u2012', // figure dash
  '\u2013', // en dash
  '\u2014', // em dash
  '\u2212', // minus sign
  '\uff0d', // full-width hyphen-minus
  '.',
  '\uff0e', // full-width full stop
  '\u00b7', // middle dot
  '\u2022', // bullet
  '\u30fb', // katakana middle dot
  '_',
  '/',
  '\\',
  '\u2215', // division slash
  ' - ',
  ' / ',
  '. ',
  ' \u2013 ',
  '...',
];

/** Characters that draw nothing (or nothing between digits), for inserting anywhere in a spelling. */
export const invisibleCharacters: readonly string[] = [
  '\u200b', // zero-width space
  '\u200c', // zero-width non-joiner
  '\u200d', // zero-width joiner
  '\u2060', // word joiner
  '\u00ad', // soft hyphen
  '\ufeff', // byte order mark
  '\u200e', // left-to-right mark
  '\u200f', // right-to-left mark
  '\u2066', // left-to-right isolate
  '\u2069', // pop directional isolate
  '\u034f', // combining grapheme joiner
  '\ufe0f', // variation selector 16
  '\u3164', // Hangul filler
  '\u180e', // Mongolian vowel separator
  '\u{e0020}', // tag space
];

const maybeInvisible = fc.oneof(
  { arbitrary: fc.constant(''), weight: 3 },
  { arbitrary: fc.constantFrom(...invisibleCharacters), weight: 1 },
);

/**
 * Ten digits spelled as a reader would still read them: split into groups of any size with any separators,
 * each digit in any script or style, invisible characters anywhere inside.
 */
export function spellingOf(tenDigits: string): fc.Arbitrary<string> {
  return fc
    .record({
      cuts: fc.subarray([1, 2, 3, 4, 5, 6, 7, 8, 9]),
      separators: fc.array(fc.constantFrom(...groupSeparators), { minLength: 9, maxLength: 9 }),
      styles: fc.array(fc.nat(digitSpellings.length - 1), { minLength: 10, maxLength: 10 }),
      invisibles: fc.array(maybeInvisible, { minLength: 20, maxLength: 20 }),
    })
    .map(({ cuts, separators, styles, invisibles }) => {
      let spelled = '';
      for (let position = 0; position < 10; position += 1) {
        const spellDigit = digitSpellings[styles[position] ?? 0] ?? String;
        if (cuts.includes(position)) spelled += separators[position - 1] ?? ' ';
        spelled += invisibles[2 * position] ?? '';
        spelled += spellDigit(Number(tenDigits[position]));
        spelled += invisibles[2 * position + 1] ?? '';
      }
      return spelled;
    });
}

/**
 * Any text (letters of any script, punctuation, emoji) with nothing in it that reads as a digit, even after
 * compatibility folding (so no "½", "②" or "㎡").
 */
export const textWithoutDigits: fc.Arbitrary<string> = fc
  .string({ unit: 'grapheme', maxLength: 12 })
  .map((text) => text.normalize('NFKC').replace(/[\p{N}]/gu, ''));

/** Characters that end a word, for putting a number into text as a word of its own. */
export const wordBoundaries: readonly string[] = [
  ' ',
  '\n',
  '(',
  ')',
  '"',
  "'",
  ':',
  ';',
  ',',
  '#',
  '=',
  '[',
  ']',
];
