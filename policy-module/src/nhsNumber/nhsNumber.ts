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

/** True for exactly ten digits (spaces or hyphens in the 3-3-4 form allowed) passing the Modulus 11 check. */
export function isValidNhsNumber(text: string): boolean {
  const digits = text.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return false;
  return nhsCheckDigit(digits.slice(0, 9)) === Number(digits[9]);
}

// Ten digits run together, or 3-3-4 with one space or hyphen between groups; not part of a longer digit run.
const candidate = /(?<![\d])(?:\d{3}[ -]?\d{3}[ -]?\d{4})(?![\d])/g;

/** Every valid NHS number in free text, as ten digits. */
export function findNhsNumbers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(candidate)) {
    if (isValidNhsNumber(match[0])) found.push(match[0].replace(/[\s-]/g, ''));
  }
  return found;
}
