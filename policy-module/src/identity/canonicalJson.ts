// Matrix canonical JSON (spec: appendices, "Canonical JSON"): object keys sorted by code point, no insignificant
// whitespace, strings as JSON.stringify writes them (UTF-8, only the escapes JSON requires), integers only. What
// Matrix signs is this text of an object without its `signatures` and `unsigned` members.

export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
}

/** The canonical JSON text of a value; throws on what Matrix cannot sign (fractions, out-of-range integers). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    // The spec's range for signed JSON numbers: [-(2**53)+1, (2**53)-1], integers.
    if (!Number.isSafeInteger(value)) throw new CanonicalJsonError(`not a signable integer: ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    // Code-point order: JavaScript's default sort compares UTF-16 units, which differs above the BMP.
    entries.sort(([a], [b]) => compareCodePoints(a, b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  throw new CanonicalJsonError(`not JSON: ${typeof value}`);
}

function compareCodePoints(a: string, b: string): number {
  // UTF-8 byte order is code-point order.
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The text Matrix signs for an object: its canonical JSON without `signatures` and `unsigned`. */
export function signableJson(object: Readonly<Record<string, unknown>>): string {
  const { signatures: _signatures, unsigned: _unsigned, ...signed } = object;
  return canonicalJson(signed);
}
