#!/usr/bin/env node
// bleep-retention, the retention service's command for trust IT and deploy steps:
//   run [--older-than SECONDS] [--json]   one run now (waits for a scheduled one to finish); exit 0 only when
//                                         nothing failed and the proof found nothing
//   report [--format json|csv] [--from DATE] [--to DATE]   the compliance report; a period's, as JSON or CSV
//   hold place|release|list               legal holds, for an information-governance officer
//   purge-room <room id> --reason --reference   one room's history up to now, after a data incident
//   migrate [--grant-to ROLE] [--gateway-role ROLE]   Bleep's retention tables, as the Bleep database's owner
//   grant-synapse --purge-role R --proof-role P   the two roles' access to Synapse's tables, as their owner
// --older-than replaces the policy's window for one run, and is refused unless RETENTION_ALLOW_WINDOW_OVERRIDE is
// set (the local runner sets it for tests and demonstrations; production purges after the policy's hours only).
import pg from 'pg';
import { pino } from 'pino';
import { parseRetentionConfig, RetentionConfigError } from '../config/retentionConfig.ts';
import {
  grantHeldRoomRead,
  grantRetentionAccess,
  migrateRetentionSchema,
} from '../database/retentionSchema.ts';
import { grantSynapseAccess } from '../database/synapseGrants.ts';
import { HoldError } from '../hold/legalHoldInput.ts';
import { RoomPurgeError } from '../purge/roomPurgeRequest.ts';
import { ReportPeriodError } from '../report/reportPeriod.ts';
import { createRetentionServices } from '../retentionServices.ts';
import { exitCodes, options, UsageError } from './cliArguments.ts';
import { holdCommand, holdUsage } from './holdCommand.ts';
import { purgeRoomCommand, purgeRoomUsage } from './purgeRoomCommand.ts';
import { reportCommand, reportUsage } from './reportCommand.ts';
import { runSummaryJson, runSummaryText } from './runSummaryText.ts';

const usage = `usage: bleep-retention <command>
  run [--older-than SECONDS] [--json]          one run now; exit 0 only when nothing failed and the proof is clean
${reportUsage}
${holdUsage}
${purgeRoomUsage}
  migrate [--grant-to ROLE] [--gateway-role ROLE]
                                               retention tables in Bleep's database (BLEEP_DATABASE_URL, as owner);
                                               the gateway's role may read which rooms are held
  grant-synapse --purge-role ROLE --proof-role ROLE
                                               access to Synapse's tables (SYNAPSE_DATABASE_URL, as their owner)`;

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

async function migrateCommand(args: readonly string[]): Promise<number> {
  const values = options(args, { 'grant-to': { type: 'string' }, 'gateway-role': { type: 'string' } });
  await withPool(requiredEnv('BLEEP_DATABASE_URL'), async (pool) => {
    await migrateRetentionSchema(pool);
    process.stdout.write('The retention tables are up to date.\n');
    const role = values['grant-to'];
    if (role !== undefined) {
      await grantRetentionAccess(pool, role);
      process.stdout.write(
        `${role} may record retention runs, keep legal holds and append to the audit trail; nothing more.\n`,
      );
    }
    const gatewayRole = values['gateway-role'];
    if (gatewayRole !== undefined) {
      await grantHeldRoomRead(pool, gatewayRole);
      process.stdout.write(`${gatewayRole} may read which rooms are under legal hold; nothing more.\n`);
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
  hold: holdCommand,
  'purge-room': purgeRoomCommand,
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
    if (error instanceof ReportPeriodError) return exitCodes.usage;
    if (error instanceof HoldError || error instanceof RoomPurgeError) {
      return error.code.endsWith('BAD_INPUT') ? exitCodes.usage : exitCodes.failed;
    }
    if (error instanceof RetentionConfigError) return exitCodes.config;
    return exitCodes.failed;
  }
}

process.exitCode = await main(process.argv.slice(2));
