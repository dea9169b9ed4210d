#!/usr/bin/env node
// The bleep-policy command trust IT runs: wires the real process (environment, terminal, clock, database) to
// the dispatcher and exits with its code. Everything testable lives in runCli.ts and the command files.
import { userInfo } from 'node:os';
import pg from 'pg';
import { requiredEnv, type CliContext } from './cliCommand.ts';
import { runCli } from './runCli.ts';

function operatorName(): string {
  // Under sudo, the person rather than root.
  if (process.env.SUDO_USER) return process.env.SUDO_USER;
  try {
    return userInfo().username;
  } catch {
    // A container user with no passwd entry: enrol-device --by names the person instead.
    return 'unknown';
  }
}

let pool: pg.Pool | undefined;

const context: CliContext = {
  env: process.env,
  print: (line) => process.stdout.write(`${line}\n`),
  printError: (line) => process.stderr.write(`${line}\n`),
  clock: () => new Date(),
  fetch,
  operator: operatorName(),
  database: () => {
    if (!pool) {
      pool = new pg.Pool({
        connectionString: requiredEnv(
          process.env,
          'BLEEP_DATABASE_URL',
          "the trust's PostgreSQL database for Bleep's own tables, e.g. postgres://bleep@db.trust.nhs.uk/bleep",
        ),
        max: 2,
      });
      // An idle connection dropped by the server must not crash the command; the query in flight reports it.
      pool.on('error', () => undefined);
    }
    return pool;
  },
};

const exitCode = await runCli(process.argv.slice(2), context);
await pool?.end();
process.exitCode = exitCode;
