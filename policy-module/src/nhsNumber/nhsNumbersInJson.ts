// Where a JSON request body holds NHS numbers: every string in it, object keys as well as values, at any depth.
// A body the gateway forwards in plaintext (state events, tags, account data, profile fields) can carry a number
// anywhere the client chooses, including a key (a custom state key, a tag name), so a rule that looks only at the
// fields it knows about misses the rest.
//
// The answer is where, never what: callers log and audit these places, and no patient data may reach a log.
import { containsNhsNumber } from './nhsNumber.ts';

/** One place in a JSON value that holds an NHS number, as a JSON pointer (RFC 6901). */
export type NhsNumberPlace = Readonly<{ path: string }>;

// A key holding an NHS number must not appear in a path (it would put the number in the log), so its segment is
// written as this instead. RFC 6901 escapes "~" as "~0" or "~1" only, so no real key is ever written this way.
const redactedKey = '~redacted';

type Pending =
  Readonly<{ kind: 'value'; value: unknown; path: string }> | Readonly<{ kind: 'foundKey'; path: string }>;

function pointerSegment(key: string): string {
  if (!key.includes('~') && !key.includes('/')) return key;
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Every place in a parsed JSON value whose string (or, for an object member, whose key) holds a valid NHS number,
 * in the order of the value's keys and elements (as JavaScript orders keys: integer-like keys come first). A member whose key and value both hold one is listed twice under the same path. Numbers,
 * booleans and null are not read. Walks with its own stack, so nesting of any depth cannot overflow the call
 * stack; a value that contains itself (never the case for parsed JSON) is walked once.
 */
export function findNhsNumbersInJson(value: unknown): readonly NhsNumberPlace[] {
  const found: NhsNumberPlace[] = [];
  const pending: Pending[] = [{ kind: 'value', value, path: '' }];
  const walked = new Set<object>();
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.kind === 'foundKey') {
      found.push({ path: next.path });
      continue;
    }
    const { value: current, path } = next;
    if (typeof current === 'string') {
      if (containsNhsNumber(current)) found.push({ path });
      continue;
    }
    if (typeof current !== 'object' || current === null || walked.has(current)) continue;
    walked.add(current);
    // Pushed last to first, so they come off the stack in document order.
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index -= 1) {
        pending.push({ kind: 'value', value: current[index] as unknown, path: `${path}/${index}` });
      }
      continue;
    }
    const members = current as Readonly<Record<string, unknown>>;
    const keys = Object.keys(members);
    for (let index = keys.length - 1; index >= 0; index -= 1) {
      const key = keys[index] ?? '';
      const keyHoldsNumber = containsNhsNumber(key);
      const memberPath = `${path}/${keyHoldsNumber ? redactedKey : pointerSegment(key)}`;
      pending.push({ kind: 'value', value: members[key], path: memberPath });
      if (keyHoldsNumber) pending.push({ kind: 'foundKey', path: memberPath });
    }
  }
  return found;
}
