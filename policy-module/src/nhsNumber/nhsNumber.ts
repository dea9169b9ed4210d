// NHS number detection: ten digits whose last is the Modulus 11 check digit of the first nine (NHS Data
// Dictionary, "NHS Number"). Used to keep patient identifiers out of the plaintext parts of Matrix (room names,
// topics, display names), which the server and partner servers can read.

/** The check digit for nine digits, or undefined when the weighted sum makes the number invalid (remainder 1). */
export function nhsCheckDigit(nineDigits: string): number | undefined {
  let sum = 0;
  for (let index = 0; index < 9; index += 1) sum += Number(nineDigits[index]) * (10 - index);
  const check = 11 - (sum % 11);
  if (check === 10) return undefined;
  return check === 11 ? 0 : check;
}

// Between the 3-3-4 groups: one space or hyphen, including the look-alikes that text copied from a clinical system
// or a word processor carries (no-break and thin spaces, tabs, hyphen and dash variants, minus). Missing one of
// them would let a pasted number through the rule unnoticed.
const separator = String.raw`[\p{Zs}\t\u2010-\u2015\u2212-]`;
const spelling = String.raw`\d{3}${separator}?\d{3}${separator}?\d{4}`;
const wholeSpelling = new RegExp(String.raw`^${spelling}$`, 'u');
// The digit guards keep a ten-digit slice of a longer run (a phone number, an account number) out.
const candidate = new RegExp(String.raw`(?<!\d)${spelling}(?!\d)`, 'gu');

function digitsOf(spelled: string): string {
  return spelled.replace(/\D/g, '');
}

/** True for ten digits, run together or in the 3-3-4 form, whose last digit is the Modulus 11 check digit. */
export function isValidNhsNumber(text: string): boolean {
  if (!wholeSpelling.test(text)) return false;
  const digits = digitsOf(text);
  return nhsCheckDigit(digits.slice(0, 9)) === Number(digits[9]);
}

/** Every valid NHS number in free text, as ten digits, in the order they appear. */
export function findNhsNumbers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(candidate)) {
    if (isValidNhsNumber(match[0])) found.push(digitsOf(match[0]));
  }
  return found;
}
