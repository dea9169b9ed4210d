#!/usr/bin/env node
// bleep-retention, the retention service's command for trust IT and deploy steps:
//   run [--older-than SECONDS] [--json]   one run now (waits for a scheduled one to finish); exit 0 only when
//                                         nothing failed and the proof found nothing
//   report                                the compliance report, JSON
//   migrate [--grant-to ROLE]             Bleep's retention tables, as the Bleep database's owner
//   grant-synapse --purge-role R --proof-role P   the two roles' access to Synapse's tables, as their owner
// --older-than replaces the policy's window for one run, and is refused unless RETENTION_ALLOW_WINDOW_OVERRIDE is
// set (the local runner sets it for tests and demonstrations; production purges after the policy's hours only).
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { parseRetentionConfig, RetentionConfigError } from '../config/retentionConfig.ts';
import { grantRetentionAccess, migrateRetentionSchema } from '../database/retentionSchema.ts';
import { grantSynapseAccess } from '../database/synapseGrants.ts';
import { complianceReport } from '../http/complianceReport.ts';
import { createRetentionServices } from '../retentionServices.ts';
import { runSummaryJson, runSummaryText } from './runSummaryText.ts';

const exitCodes = { ok: 0, failed: 1, usage: 2, config: 3 } as const;

const usage = `usage: bleep-retention <command>
  run [--older-than SECONDS] [--json]          one run now; exit 0 only when nothing failed and the proof is clean
  report                                       the compliance report (JSON)
  migrate [--grant-to ROLE]                    retention tables in Bleep's database (BLEEP_DATABASE_URL, as owner)
  grant-synapse --purge-role ROLE --proof-role ROLE
                                               access to Synapse's tables (SYNAPSE_DATABASE_URL, as their owner)`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new RetentionConfigError(`${name} is not set`);
  return value;
}

async function withPool<T>(url: string, work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

function options<T extends ParseArgsOptionsConfig>(args: readonly string[], spec: T) {
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

async function runCommand(args: readonly string[]): Promise<number> {
  const values = options(args, {
    'older-than': { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const config = parseRetentionConfig(process.env);
  let olderThanSeconds: number | undefined;
  if (values['older-than'] !== undefined) {
    if (!config.RETENTION_ALLOW_WINDOW_OVERRIDE) {
      throw new UsageError(
        "--older-than is for the local stack's tests and demonstrations only; production purges after the policy's retention.serverHours",
      );
    }
    olderThanSeconds = Number(values['older-than']);
    if (!Number.isInteger(olderThanSeconds) || olderThanSeconds < 0) {
      throw new UsageError('--older-than takes a whole number of seconds');
    }
  }
  const log = pino(
    { level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, base: { service: 'bleep-retention' } },
    pino.destination(2),
  );
  const services = await createRetentionServices(config, log);
  try {
    const summary = await services.runner.run({
      trigger: 'manual',
      ...(olderThanSeconds === undefined ? {} : { olderThanSeconds }),
    });
    process.stdout.write(`${values.json ? runSummaryJson(summary) : runSummaryText(summary)}\n`);
    return summary.clean ? exitCodes.ok : exitCodes.failed;
  } finally {
    await services.close();
  }
}

async function reportCommand(args: readonly string[]): Promise<number> {
  options(args, {});
  const config = parseRetentionConfig(process.env);
  const services = await createRetentionServices(config, pino({ level: 'warn' }, pino.destination(2)));
  try {
    const report = await complianceReport({
      store: services.store,
      policy: services.policy,
      intervalSeconds: config.RETENTION_INTERVAL_SECONDS,
      schedulerState: () => ({ nextRunAt: null, consecutiveFailures: 0, lastRun: null }),
      clock: () => new Date(),
    });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return exitCodes.ok;
  } finally {
    await services.close();
  }
}

async function migrateCommand(args: readonly string[]): Promise<number> {
  const values = options(args, { 'grant-to': { type: 'string' } });
  await withPool(requiredEnv('BLEEP_DATABASE_URL'), async (pool) => {
    await migrateRetentionSchema(pool);
    process.stdout.write('The retention tables are up to date.\n');
    const role = values['grant-to'];
    if (role !== undefined) {
      await grantRetentionAccess(pool, role);
      process.stdout.write(
        `${role} may record retention runs and append to the audit trail; nothing more.\n`,
      );
    }
  });
  return exitCodes.ok;
}

async function grantSynapseCommand(args: readonly string[]): Promise<number> {
  const values = options(args, { 'purge-role': { type: 'string' }, 'proof-role': { type: 'string' } });
  const purgeRole = values['purge-role'];
  const proofRole = values['proof-role'];
  if (typeof purgeRole !== 'string' || typeof proofRole !== 'string') {
    throw new UsageError('grant-synapse needs --purge-role and --proof-role');
  }
  await withPool(requiredEnv('SYNAPSE_DATABASE_URL'), (pool) =>
    grantSynapseAccess(pool, { purgeRole, proofRole }),
  );
  process.stdout.write(
    `${purgeRole} may purge and ${proofRole} may read what the proof checks; nothing more.\n`,
  );
  return exitCodes.ok;
}

const commands: Readonly<Record<string, (args: readonly string[]) => Promise<number>>> = {
  run: runCommand,
  report: reportCommand,
  migrate: migrateCommand,
  'grant-synapse': grantSynapseCommand,
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : commands[name];
  if (!command) {
    process.stderr.write(`${usage}\n`);
    return name === undefined || name === '--help' || name === 'help' ? exitCodes.ok : exitCodes.usage;
  }
  try {
    return await command(args);
  } catch (error) {
    process.stderr.write(
      `bleep-retention ${name ?? ''}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    if (error instanceof UsageError) return exitCodes.usage;
    if (error instanceof RetentionConfigError) return exitCodes.config;
    return exitCodes.failed;
  }
}

process.exitCode = await main(process.argv.slice(2));
