// NHS number detection: ten digits whose last is the Modulus 11 check digit of the first nine (NHS Data
// Dictionary, "NHS Number"). Used to keep patient identifiers out of the plaintext parts of Matrix (room names,
// topics, aliases, state keys, tags, display names, reasons), which the server and partner servers can read.
//
// A number a person can still read off the screen has leaked, so the text is first brought to what a reader
// sees. Each step undoes a way of writing digits that a plain [0-9] search misses (an attacker review got numbers
// through with the first two; the others are the same trick with other characters):
// - Format and default-ignorable characters removed (\p{Cf}: zero-width space and joiners, word joiner, soft
//   hyphen, BOM, bidi marks and isolates; plus variation selectors and Hangul fillers): they draw nothing, so
//   "943<ZWSP>476<ZWSP>5919" reads as one number where a regex sees three short runs.
// - Unicode NFKC: full-width digits (U+FF10..), mathematical, superscript and circled digits are digits to a
//   reader; NFKC folds them, and full-width separators, to ASCII.
// - Combining marks removed: strike-through (9̶4̶3̶...) and keycap (9️⃣4️⃣...) digits are still read as digits.
// - Every other script's decimal digits (Arabic-Indic, Devanagari, ...) mapped to 0-9: the same identifier in
//   another script is still the patient's identifier. Likewise the dingbat circled digits (❾ ➍ ⓽) NFKC keeps.
// - The numero sign (№) becomes "#" before NFKC, which would otherwise turn it into the letters "No" and glue
//   them to the number that follows ("№9434765919").
// - HTML, where a text may be shown as HTML (an m.topic text/html body): character references decoded
//   ("&#57;&#52;..." draws "94..."; named spaces and dashes too) and tags dropped ("943<b></b>4765919").
// Text that is plain ASCII without "&" or "<" needs none of this and skips it. A right-to-left override (U+202E), which draws the
// digits after it backwards, needs no step of its own: reversing ten digits keeps their Modulus 11 sum a
// multiple of 11, so the stored digits are a valid number exactly when the drawn ones are.
//
// The digits may then be grouped any way ("94 34 76 59 19", "943.476.5919"; the separators are listed below), so
// every stretch of whole groups holding ten digits is checked, while a slice of a longer group never is.

/** The check digit for nine digits, or undefined when the weighted sum makes the number invalid (remainder 1). */
export function nhsCheckDigit(nineDigits: string): number | undefined {
  let sum = 0;
  for (let index = 0; index < 9; index += 1) sum += Number(nineDigits[index]) * (10 - index);
  const check = 11 - (sum % 11);
  if (check === 10) return undefined;
  return check === 11 ? 0 : check;
}

const nonAscii = /[\u0080-\u{10ffff}]/u;
// One pass for everything folded after NFKC: invisible characters and combining marks (to nothing), decimal
// digits of other scripts and dingbat digits (to ASCII digits). One regex is half the cost of one per step.
const foldable =
  /[[\p{Cf}\p{Default_Ignorable_Code_Point}\p{M}\p{Nd}\u2776-\u2793\u24eb-\u24ff\u{1f10b}\u{1f10c}]--[0-9]]/gv;
const decimalDigit = /^\p{Nd}$/u;
const asciiValueOfDigit = new Map<number, string>();

function asciiDigitFor(codePoint: number): string {
  let value = asciiValueOfDigit.get(codePoint);
  if (value === undefined) {
    // Unicode encodes every script's decimal digits as runs of ten, 0 to 9 in order (a stability guarantee), so
    // a digit's value is its distance from the start of its run. No table to fall behind new scripts.
    let zero = codePoint;
    while (decimalDigit.test(String.fromCodePoint(zero - 1))) zero -= 1;
    value = String((codePoint - zero) % 10);
    asciiValueOfDigit.set(codePoint, value);
  }
  return value;
}

function foldedForm(character: string): string {
  const codePoint = character.codePointAt(0) ?? 0;
  // Three sets of one to ten: ❶..❿, ➀..➉, ➊..➓.
  if (codePoint >= 0x2776 && codePoint <= 0x2793) return String(((codePoint - 0x2776) % 10) + 1);
  // ⓫..⓴ are eleven to twenty, then ⓵..⓾ one to ten; ⓿ and 🄋 🄌 are zero.
  if (codePoint >= 0x24eb && codePoint <= 0x24f4) return String(codePoint - 0x24eb + 11);
  if (codePoint >= 0x24f5 && codePoint <= 0x24fe) return String(codePoint - 0x24f5 + 1);
  if (codePoint === 0x24ff || codePoint === 0x1f10b || codePoint === 0x1f10c) return '0';
  return decimalDigit.test(character) ? asciiDigitFor(codePoint) : '';
}

/** Text that is not plain ASCII as a reader sees its digits: every digit ASCII, nothing invisible between them. */
function readableDigits(text: string): string {
  return text.replaceAll('\u2116', '#').normalize('NFKC').replace(foldable, foldedForm);
}

const markup = /[&<]/;
const tag = /<[^<>]*>/g;
const numericReference = /&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));?/g;
const namedReference = /&([a-zA-Z]{2,8});/g;
/** Named references that draw a space, a separator or nothing: the ones that can sit between digits. */
const namedCharacters: Readonly<Record<string, string>> = {
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  hairsp: ' ',
  numsp: ' ',
  puncsp: ' ',
  shy: '',
  zwnj: '',
  zwj: '',
  hyphen: '-',
  dash: '-',
  ndash: '-',
  mdash: '-',
  minus: '-',
  period: '.',
  sol: '/',
  lowbar: '_',
  middot: '\u00b7',
  bull: '\u2022',
};

function referencedCharacter(_match: string, hex: string | undefined, decimal: string | undefined): string {
  const codePoint = hex === undefined ? Number(decimal) : Number.parseInt(hex, 16);
  const valid = codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
  return valid ? String.fromCodePoint(codePoint) : '';
}

/** Text as an HTML renderer draws it: tags dropped, character references decoded. */
function renderedHtml(text: string): string {
  return text
    .replace(tag, '')
    .replace(numericReference, referencedCharacter)
    .replace(namedReference, (match, name: string) => namedCharacters[name.toLowerCase()] ?? match);
}

/** The text as a reader sees its digits. */
function asRead(text: string): string {
  const rendered = markup.test(text) ? renderedHtml(text) : text;
  return nonAscii.test(rendered) ? readableDigits(rendered) : rendered;
}

// Between digit groups: any amount of whitespace (every Unicode space, tabs and line breaks, and the blank
// braille cell U+2800 that filter dodgers use as an invisible space; HTML collapses whitespace runs, so a padded
// number still reads as one) and at most three of these visible marks, in any mix (" - ", "...", " / "):
// - dashes (\p{Dash}: hyphen-minus, hyphen, non-breaking hyphen, figure/en/em dash, minus sign, wave dash...),
//   which clinical systems and word processors put in 3-3-4 numbers;
// - dots, as in "943.476.5919", and the middle dots and bullets people type for them (· • ‧ ∙ ⋅ ・);
// - underscores (\p{Pc}), as in an identifier "patient_943_476_5919";
// - slashes (/ \ ∕ ⁄).
// Not commas: they separate the items of a list ("beds 12, 14, 15"), and joining those would refuse ordinary
// text. Not colons: see below. A longer run of marks ("-----", dot leaders) is layout between separate values,
// not one number.
const separatorMark = String.raw`[\p{Dash}\p{Pc}.\/\\\u00b7\u2022\u2027\u2044\u2215\u2219\u22c5\u30fb]`;
const blank = String.raw`[\s\u2800]`;
const separatorRun = new RegExp(String.raw`${blank}*(?:${separatorMark}${blank}*){0,3}`, 'uy');

// A digit group must stand on its own: a digit run inside a longer token (base64 "aB9434765919x", a hex digest,
// a word) is part of that token, not a number someone wrote. One exception: a word glued to one side only, the
// word and the digits making the whole token ("pt9434765919", "NHS943-476-5919", "9434765919x"). Room aliases,
// state keys and tags cannot hold spaces, so that is how a number gets written into them. The word must have a
// letter beyond a-f: hex (digests, UUIDs) glues digits to a-f all the time; without this, about one random UUID
// in four thousand would end in a valid number ("...-ab9434765919").
//
// A colon with digits on both sides joins them into one token too: "10:30" is a clock time, "10.0.0.1:8448" an
// address and port, and without this a date followed by a time ("2024-01-15 10:30") would make ten digits.
// Writing "1:9434765919" on purpose dodges the rule, but so does "ab9434765919cd": the rule catches numbers
// written to be read, not every encoding of one.
//
// The pattern finds the digit runs that have nothing joining them on at least one side, and the code then looks
// at the other side: a digit run with letters on both sides (most of them, in base64 ciphertext) is passed over
// inside the regex engine.
const runAtTokenEdge =
  /(?<![0-9]|[0-9]:)(?!(?<=[\p{L}\p{N}])[0-9]+(?![0-9])[\p{L}\p{N}])[0-9]+(?![0-9]|:[0-9])/gu;
const letter = /^\p{L}$/u;
const numeralOrLetter = /^[\p{L}\p{N}]$/u;

type Neighbour = 'nothing' | 'word' | 'token';

function isLetter(codePoint: number): boolean {
  if (codePoint < 0x80) return (codePoint | 0x20) >= 0x61 && (codePoint | 0x20) <= 0x7a;
  return letter.test(String.fromCodePoint(codePoint));
}

function isNumeralOrLetter(codePoint: number): boolean {
  if (codePoint < 0x80) return isLetter(codePoint) || (codePoint >= 0x30 && codePoint <= 0x39);
  return numeralOrLetter.test(String.fromCodePoint(codePoint));
}

function isHexLetter(codePoint: number): boolean {
  const lower = codePoint | 0x20;
  return codePoint < 0x80 && lower >= 0x61 && lower <= 0x66;
}

/** What `letters` letters (`beyondHex` when one is not a-f) beside a digit run, up to the token's end, make. */
function neighbourOfLetters(letters: number, beyondHex: boolean): Neighbour {
  if (letters === 0) return 'nothing';
  return beyondHex ? 'word' : 'token';
}

function neighbourAfter(text: string, index: number): Neighbour {
  let letters = 0;
  let beyondHex = false;
  for (let position = index; position < text.length;) {
    const codePoint = text.codePointAt(position) ?? 0;
    if (!isNumeralOrLetter(codePoint)) break;
    if (!isLetter(codePoint)) return 'token';
    letters += 1;
    beyondHex ||= !isHexLetter(codePoint);
    position += codePoint > 0xffff ? 2 : 1;
  }
  return neighbourOfLetters(letters, beyondHex);
}

function neighbourBefore(text: string, index: number): Neighbour {
  let letters = 0;
  let beyondHex = false;
  for (let position = index; position > 0;) {
    const low = text.charCodeAt(position - 1);
    const high = position >= 2 ? text.charCodeAt(position - 2) : 0;
    position -= low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? 2 : 1;
    const codePoint = text.codePointAt(position) ?? 0;
    if (!isNumeralOrLetter(codePoint)) break;
    if (!isLetter(codePoint)) return 'token';
    letters += 1;
    beyondHex ||= !isHexLetter(codePoint);
  }
  return neighbourOfLetters(letters, beyondHex);
}

function standsAsGroup(text: string, start: number, end: number): boolean {
  const before = neighbourBefore(text, start);
  const after = neighbourAfter(text, end);
  return (before === 'nothing' && after !== 'token') || (after === 'nothing' && before === 'word');
}

const digitRun = /[0-9]+/g;
const anyDigit = /[0-9]/g;

function hasTenDigits(readable: string): boolean {
  anyDigit.lastIndex = 0;
  for (let count = 0; count < 10; count += 1) if (!anyDigit.test(readable)) return false;
  return true;
}

function onlySeparatorsBetween(text: string, from: number, to: number): boolean {
  separatorRun.lastIndex = from;
  separatorRun.test(text);
  return separatorRun.lastIndex === to;
}

function hasValidCheckDigit(tenDigits: string): boolean {
  return nhsCheckDigit(tenDigits) === Number(tenDigits[9]);
}

/** The digits of the last whole groups when they hold exactly ten digits, else undefined. */
function tenDigitsEndingWith(groups: readonly string[]): string | undefined {
  let length = 0;
  for (let first = groups.length - 1; first >= 0; first -= 1) {
    length += groups[first]?.length ?? 0;
    if (length >= 10) return length === 10 ? groups.slice(first).join('') : undefined;
  }
  return undefined;
}

/** Adds the valid numbers in `text` to `found`, in order, stopping once it holds `enough`. */
function addNumbersIn(text: string, found: string[], enough: number): void {
  const seen = asRead(text);
  if (!hasTenDigits(seen)) return;
  // Each stretch of consecutive whole groups holding ten digits is a candidate. It is checked when its last
  // group is read, so only the run's last ten groups (each has a digit at least) need keeping.
  const recent: string[] = [];
  let recentEnd = 0;
  for (const match of seen.matchAll(runAtTokenEdge)) {
    if (!standsAsGroup(seen, match.index, match.index + match[0].length)) continue;
    if (recent.length > 0 && !onlySeparatorsBetween(seen, recentEnd, match.index)) recent.length = 0;
    recent.push(match[0]);
    if (recent.length > 10) recent.shift();
    recentEnd = match.index + match[0].length;
    const digits = tenDigitsEndingWith(recent);
    if (digits !== undefined && hasValidCheckDigit(digits)) {
      found.push(digits);
      if (found.length >= enough) return;
    }
  }
}

/**
 * Every valid NHS number in free text, as ten digits, in the order they appear. The digits may be split into
 * groups of any size ("943 476 5919", "94.34.76.59.19"), written in any script, and interleaved with invisible
 * characters; ten digits are a candidate only when they are a whole number of groups, so never a slice of a
 * longer digit run (a timestamp).
 */
export function findNhsNumbers(text: string): string[] {
  const found: string[] = [];
  addNumbersIn(text, found, Infinity);
  return found;
}

/** True when the text holds a valid NHS number (as findNhsNumbers reads it); stops at the first. */
export function containsNhsNumber(text: string): boolean {
  const found: string[] = [];
  addNumbersIn(text, found, 1);
  return found.length > 0;
}

/**
 * True when the whole text is one NHS number: ten digits in groups of any size with separators between them (as
 * findNhsNumbers reads them), nothing before or after, and a valid check digit.
 */
export function isValidNhsNumber(text: string): boolean {
  const readable = nonAscii.test(text) ? readableDigits(text) : text;
  let digits = '';
  let end = 0;
  for (const match of readable.matchAll(digitRun)) {
    const joined = digits === '' ? match.index === 0 : onlySeparatorsBetween(readable, end, match.index);
    if (!joined || digits.length + match[0].length > 10) return false;
    digits += match[0];
    end = match.index + match[0].length;
  }
  return end === readable.length && digits.length === 10 && hasValidCheckDigit(digits);
}
