// Canonical JSON (Matrix spec appendix "Canonical JSON"): object keys sorted, no insignificant whitespace. Signed
// documents are signed in this form, so re-formatting a file never breaks its signature but any change of value does.

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isInteger(value)) {
    throw new TypeError('canonical JSON allows integers only');
  }
  return JSON.stringify(value);
}
