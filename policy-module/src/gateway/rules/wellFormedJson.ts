// Rule: a request body is JSON that Synapse, PostgreSQL and this gateway all read the same way, or it is refused
// with a 400, never a 500. Synapse's own parser and PostgreSQL refuse some JSON that JavaScript accepts: a NUL
// character (PostgreSQL cannot store it), a lone UTF-16 surrogate (not Unicode, so not encodable as UTF-8), and
// deeply nested values (Synapse's canonical JSON and the gateway's own re-serialisation recurse, so 20,000 levels
// overflow a stack). Bytes that are not UTF-8 would be read by the gateway with replacement characters, differently
// from Synapse, so they are refused before parsing. A body is also bounded in size (readJsonBody.ts), under this rule.
import { MatrixError } from '../matrixError.ts';

/** Deeper than any Matrix event or request needs (Synapse's own limit for events is far below this in practice). */
export const maxJsonDepth = 64;

export const wellFormedJsonRule = 'well-formed-json';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function badJson(message: string): MatrixError {
  return new MatrixError(400, 'M_BAD_JSON', message, wellFormedJsonRule);
}

/** Why a string cannot be stored as it is; undefined when it can. */
function stringProblem(text: string): string | undefined {
  if (text.includes('\0')) return 'contains a NUL character';
  if (!text.isWellFormed()) return 'contains a lone surrogate';
  return undefined;
}

/** The first problem in a parsed JSON value (too deep, or a string that cannot be stored); walked without recursion. */
export function jsonValueProblem(value: unknown): string | undefined {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: current, depth } = next;
    if (typeof current === 'string') {
      const problem = stringProblem(current);
      if (problem) return `a string ${problem}`;
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth > maxJsonDepth) return `it is nested deeper than ${maxJsonDepth} levels`;
    if (Array.isArray(current)) {
      for (const item of current as unknown[]) pending.push({ value: item, depth: depth + 1 });
      continue;
    }
    for (const [key, item] of Object.entries(current)) {
      const problem = stringProblem(key);
      if (problem) return `a field name ${problem}`;
      pending.push({ value: item, depth: depth + 1 });
    }
  }
  return undefined;
}

/** Parses a request body as JSON that every reader agrees on; throws a 400 MatrixError otherwise. */
export function parseWellFormedJson(raw: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw badJson('The request body is not UTF-8 text');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MatrixError(400, 'M_NOT_JSON', 'The request body is not valid JSON', wellFormedJsonRule);
  }
  const problem = jsonValueProblem(value);
  if (problem) throw badJson(`The request body cannot be accepted: ${problem}`);
  return value;
}
