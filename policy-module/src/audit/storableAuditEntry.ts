// Makes an audit entry storable exactly as it will be hashed. Entries carry text from requests (a device id from a
// login body, a user id), and PostgreSQL refuses a NUL character and cannot store a lone UTF-16 surrogate: one
// would make the append fail, so a refused request went unaudited; the other would be stored as U+FFFD and then
// read back different from what was hashed, a false alarm of tampering that hides any real one after it. Canonical
// JSON, which the hash covers, has no form for a fraction (nor JSON for NaN), so a number that is not a safe
// integer is kept as its text.
import type { AuditEntry } from '../gateway/auditSink.ts';

type DetailValue = string | number | boolean | null;

/** Text as PostgreSQL will store and return it: lone surrogates and NUL become U+FFFD. */
export function storableText(text: string): string {
  return text.toWellFormed().replaceAll('\u0000', '\uFFFD');
}

function storableValue(value: DetailValue): DetailValue {
  if (typeof value === 'string') return storableText(value);
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return String(value);
  return value;
}

function storableOrNull(text: string | null): string | null {
  return text === null ? null : storableText(text);
}

export function storableAuditEntry(entry: AuditEntry): Required<AuditEntry> {
  return {
    actor: storableOrNull(entry.actor),
    device: storableOrNull(entry.device),
    action: storableText(entry.action),
    room: storableOrNull(entry.room),
    result: storableText(entry.result),
    detail: Object.fromEntries(
      Object.entries(entry.detail ?? {}).map(([key, value]) => [storableText(key), storableValue(value)]),
    ),
  };
}
