// Test support, not used in production: a CliContext that captures what a command prints, with a fixed clock.
import type { Pool } from 'pg';
import { CliConfigError, type CliContext } from './cliCommand.ts';

export type CapturedCli = Readonly<{ context: CliContext; out: string[]; err: string[] }>;

export function cliTestContext(
  options: Readonly<{ pool?: Pool; env?: Record<string, string>; now?: Date; fetch?: typeof fetch }> = {},
): CapturedCli {
  const out: string[] = [];
  const err: string[] = [];
  const context: CliContext = {
    env: options.env ?? {},
    print: (line) => out.push(line),
    printError: (line) => err.push(line),
    clock: () => options.now ?? new Date('2025-01-06T09:00:00Z'),
    fetch: options.fetch ?? fetch,
    operator: 'it-admin',
    database: () => {
      if (!options.pool)
        throw new CliConfigError('BLEEP_DATABASE_URL is not set: test context without a database');
      return options.pool;
    },
  };
  return { context, out, err };
}
