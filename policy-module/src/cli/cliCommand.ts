// What a bleep-policy subcommand is: its help text, its run function, the context it runs in, and the typed
// errors and exit codes by which it reports failure.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import type { Pool } from 'pg';
import type { Clock } from '../enrolment/enrolmentStore.ts';

/** Exit codes, for the scripts trust IT wraps around the command. */
export const exitCodes = {
  ok: 0,
  /** The command ran and was refused or partly failed (e.g. a device already enrolled, a sign-out failed). */
  failed: 1,
  /** Unknown command, missing or unknown option. */
  usage: 2,
  /** A required environment variable is missing or invalid. */
  config: 3,
} as const;

export type CliContext = Readonly<{
  env: Readonly<Record<string, string | undefined>>;
  /** Writes a line to standard output. */
  print: (line: string) => void;
  /** Writes a line to standard error. */
  printError: (line: string) => void;
  clock: Clock;
  fetch: typeof fetch;
  /** Who is running the command, recorded with the enrolments they create. */
  operator: string;
  /** The trust's Bleep database (BLEEP_DATABASE_URL), opened on first use; throws CliConfigError if unset. */
  database: () => Pool;
}>;

export type CliCommand = Readonly<{
  /** One line for the list of commands. */
  summary: string;
  /** The options after the command's name, e.g. "--device-id ID [--label TEXT]". */
  usage: string;
  run: (args: readonly string[], context: CliContext) => Promise<number>;
}>;

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  readonly code = 'CLI_USAGE';
}

export class CliConfigError extends Error {
  override readonly name = 'CliConfigError';
  readonly code = 'CLI_CONFIG';
}

/** Reads a command's options strictly: an unknown option or a stray argument is a usage error, not ignored. */
export function parseCommandOptions<Options extends ParseArgsOptionsConfig>(
  args: readonly string[],
  options: Options,
): ReturnType<
  typeof parseArgs<{ args: string[]; options: Options; strict: true; allowPositionals: false }>
>['values'] {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    if (String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')) {
      throw new CliUsageError((error as Error).message);
    }
    throw error;
  }
}

export function requiredOption(value: string | undefined, option: string): string {
  if (value === undefined || value.trim() === '') throw new CliUsageError(`--${option} is required`);
  return value;
}

export function requiredEnv(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  what: string,
): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new CliConfigError(`${name} is not set: ${what}`);
  return value;
}
