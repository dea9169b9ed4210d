// What every bleep-retention subcommand shares: its exit codes, strict option parsing (an unknown option or a
// stray argument is a usage error, never ignored), and who is running it (recorded with holds and purges).
import { userInfo } from 'node:os';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

export const exitCodes = { ok: 0, failed: 1, usage: 2, config: 3 } as const;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function options<T extends ParseArgsOptionsConfig>(args: readonly string[], spec: T) {
  try {
    return parseArgs({
      args: [...args],
      options: spec,
      strict: true as const,
      allowPositionals: false as const,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Options and exactly `count` positional arguments (a room id, a hold id). */
export function optionsWithPositionals<T extends ParseArgsOptionsConfig>(
  args: readonly string[],
  spec: T,
  names: readonly string[],
) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: spec,
      strict: true as const,
      allowPositionals: true as const,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length !== names.length) {
    throw new UsageError(
      `expected ${names.map((name) => `<${name}>`).join(' ')}, got ${parsed.positionals.length} argument(s)`,
    );
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/** Who runs the command: `--by` when given, else the person under sudo, else the login name. */
export function operatorName(by: string | undefined): string {
  if (by !== undefined) return by;
  if (process.env.SUDO_USER) return process.env.SUDO_USER;
  try {
    return userInfo().username;
  } catch {
    // A container user with no passwd entry: --by names the person instead.
    return 'unknown';
  }
}
