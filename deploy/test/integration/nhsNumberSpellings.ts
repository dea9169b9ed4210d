// NHS numbers for the attack tests: a fresh valid one each run (so a search of Synapse's database finds this run's
// leaks, not an old run's), the ways a person can write it so that a reader still sees the number (grouped, with
// zero-width spaces, full-width digits, dots, hyphens), and a search for it in stored text that undoes those ways
// and the escapes storage adds (JSON \u escapes, as Synapse writes non-ASCII text; HTML character references).
import { randomInt } from 'node:crypto';
import fc from 'fast-check';

/** The Modulus 11 check digit of nine digits (NHS Data Dictionary), or undefined when none makes them valid. */
function checkDigit(nine: string): number | undefined {
  let sum = 0;
  for (let index = 0; index < 9; index += 1) sum += Number(nine[index]) * (10 - index);
  const check = 11 - (sum % 11);
  if (check === 10) return undefined;
  return check === 11 ? 0 : check;
}

/** A random valid NHS number, ten ASCII digits (the first never 0, as in NHS test data). */
export function freshNhsNumber(): string {
  for (;;) {
    const nine = `${randomInt(1, 10)}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
    const check = checkDigit(nine);
    if (check !== undefined) return `${nine}${check}`;
  }
}

const fullWidth = (digit: string) => String.fromCodePoint(0xff10 + Number(digit));

export type NhsSpelling = Readonly<{ how: string; text: string }>;

/** The ways a person writes the number that a reader still reads as one. */
export function waysToWrite(digits: string): readonly NhsSpelling[] {
  const groups = [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6)];
  return [
    { how: 'plain', text: digits },
    { how: 'spaced', text: groups.join(' ') },
    { how: 'hyphens', text: groups.join('-') },
    { how: 'dots', text: groups.join('.') },
    { how: 'spaced hyphens', text: groups.join(' - ') },
    { how: 'no-break spaces', text: groups.join('\u00a0') },
    { how: 'zero-width spaces', text: Array.from(digits).join('\u200b') },
    { how: 'word joiners', text: groups.join('\u2060') },
    { how: 'full-width', text: Array.from(digits).map(fullWidth).join('') },
    {
      how: 'full-width spaced',
      text: groups.map((group) => Array.from(group).map(fullWidth).join('')).join('\u3000'),
    },
    {
      how: 'some full-width',
      text: Array.from(digits)
        .map((digit, index) => (index % 2 ? fullWidth(digit) : digit))
        .join(''),
    },
    { how: 'pairs', text: digits.replace(/(\d\d)(?=\d)/g, '$1 ') },
  ];
}

/** The number as a person might write it, in a few words of text around it. */
export function spelledNhsNumber(digits: string): fc.Arbitrary<NhsSpelling> {
  return fc
    .record({
      way: fc.constantFrom(...waysToWrite(digits)),
      before: fc.constantFrom('', 'Bed 4 ', 'NHS no. ', 're: '),
      after: fc.constantFrom('', ' discharge', '.'),
    })
    .map(({ way, before, after }) => ({ how: way.how, text: `${before}${way.text}${after}` }));
}

/** Separators a reader reads through; removed before the digits are looked for. */
const readThrough = /[\s\u200b-\u200f\u2060\u00ad\ufeff.\-\u2010-\u2015_/\\\u00b7\u2022]/gu;

/** Stored text as a reader would see its digits: escapes undone, full-width folded, separators gone. */
function readableDigits(stored: string): string {
  return stored
    .replace(/\\+u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, decimal: string) => String.fromCodePoint(Number(decimal)))
    .replace(/&#x([0-9a-fA-F]+);/g, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/%3([0-9])/g, '$1')
    .normalize('NFKC')
    .replace(readThrough, '');
}

/** True when a reader of this stored text would find the number in it, however it was written. */
export function holdsNhsNumber(stored: string, digits: string): boolean {
  return readableDigits(stored).includes(digits);
}
