// Reads a trust policy file and validates it, failing with errors that name the offending field.
import { readFile } from 'node:fs/promises';
import { trustPolicySchema, type TrustPolicy } from './trustPolicy.ts';

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly source: string;
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super(`invalid trust policy ${source}:\n  ${problems.join('\n  ')}`);
    this.source = source;
    this.problems = problems;
  }
}

/** Validates an already-parsed value; `source` names it in errors (a path or "inline"). */
export function parsePolicy(value: unknown, source: string): TrustPolicy {
  const result = trustPolicySchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return `${where}: ${issue.message}`;
    });
    throw new PolicyError(source, problems);
  }
  return deepFreeze(result.data);
}

export async function loadPolicy(path: string): Promise<TrustPolicy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PolicyError(path, [
      `cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(path, [`not valid JSON: ${(error as Error).message}`]);
  }
  return parsePolicy(value, path);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
