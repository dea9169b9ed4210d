// Makes an audit entry storable exactly as it will be hashed. Entries carry text from requests (a device id from a
// login body, a user id), and PostgreSQL refuses a NUL character and cannot store a lone UTF-16 surrogate: one
// would make the append fail, so a refused request went unaudited; the other would be stored as U+FFFD and then
// read back different from what was hashed, a false alarm of tampering that hides any real one after it. Canonical
// JSON, which the hash covers, has no form for a fraction (nor JSON for NaN), so a number that is not a safe
// integer is kept as its text. A detail key outside the Basic Multilingual Plane would sort differently in the
// database's check of the hash (code point order) than in canonicalJson (UTF-16 order), so such a character in a
// key becomes U+FFFD too; keys are names chosen by code, and nothing is lost by it. What comes out of here is
// exactly what the table's insert trigger admits (auditSchema.ts).
//
// Text is also cut to a length, marked with "…": a request can name a device in megabytes, and past ~2.7 kB an
// indexed column (actor) makes PostgreSQL refuse the row, so the refusal would again go unaudited. 512 UTF-16
// units are at most 1,536 bytes of UTF-8, and hold any Matrix user or room ID (255 bytes) and any device ID.
import type { AuditEntry } from './auditEntry.ts';

type DetailValue = string | number | boolean | null;

export const maxAuditTextLength = 512;
export const maxAuditKeyLength = 128;

/** Text as PostgreSQL will store and return it, at most `maxLength` long: lone surrogates and NUL become U+FFFD. */
function storableText(text: string, maxLength = maxAuditTextLength): string {
  // Cut before the surrogates are mended, so a pair split by the cut becomes one U+FFFD, not a lone half.
  const cut = text.length > maxLength ? `${text.slice(0, maxLength - 1)}\u2026` : text;
  return cut.toWellFormed().replaceAll('\u0000', '\uFFFD');
}

function storableKey(key: string): string {
  return storableText(key, maxAuditKeyLength).replace(/[\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
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
      Object.entries(entry.detail ?? {}).map(([key, value]) => [storableKey(key), storableValue(value)]),
    ),
  };
}
