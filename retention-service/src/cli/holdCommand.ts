// bleep-retention hold: an information-governance officer places, releases and lists legal holds.
//   hold place (--room ID | --user ID) --reason TEXT --reference TEXT [--by NAME] [--json]
//   hold release <hold id> --reason TEXT [--by NAME] [--json]
//   hold list [--json]
import { pino } from 'pino';
import { parseRetentionConfig } from '../config/retentionConfig.ts';
import type { LegalHold } from '../hold/legalHoldStore.ts';
import { reportHold } from '../http/complianceReport.ts';
import { createRetentionServices, type RetentionServices } from '../retentionServices.ts';
import { exitCodes, operatorName, options, optionsWithPositionals, UsageError } from './cliArguments.ts';

export const holdUsage = `  hold place (--room ID | --user ID) --reason TEXT --reference TEXT [--by NAME] [--json]
                                               keep a room, or every room a user is or was in, from the purge
  hold release <hold id> --reason TEXT [--by NAME] [--json]
  hold list [--json]                           every hold, those in force first`;

async function withServices<T>(work: (services: RetentionServices) => Promise<T>): Promise<T> {
  const config = parseRetentionConfig(process.env);
  const services = await createRetentionServices(
    config,
    pino({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }, pino.destination(2)),
  );
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

function describe(hold: LegalHold): string {
  const state = hold.releasedAt
    ? `released ${hold.releasedAt.toISOString()} by ${hold.releasedBy ?? '?'} (${hold.releaseReason ?? ''})`
    : 'in force';
  return [
    `Legal hold ${hold.id} on ${hold.kind} ${hold.subject}: ${state}`,
    `  reference   ${hold.reference}`,
    `  reason      ${hold.reason}`,
    `  placed      ${hold.placedAt.toISOString()} by ${hold.placedBy}`,
    `  rooms held  ${hold.rooms.length === 0 ? 'none yet' : hold.rooms.join(', ')}`,
  ].join('\n');
}

function print(hold: LegalHold, json: boolean): void {
  process.stdout.write(`${json ? JSON.stringify(reportHold(hold), null, 2) : describe(hold)}\n`);
}

async function place(args: readonly string[]): Promise<number> {
  const values = options(args, {
    room: { type: 'string' },
    user: { type: 'string' },
    reason: { type: 'string' },
    reference: { type: 'string' },
    by: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if ((values.room === undefined) === (values.user === undefined)) {
    throw new UsageError('hold place needs exactly one of --room or --user');
  }
  const subject =
    values.room === undefined ? { kind: 'user', id: values.user } : { kind: 'room', id: values.room };
  return withServices(async (services) => {
    const hold = await services.holds.place({
      subject,
      reason: values.reason ?? '',
      reference: values.reference ?? '',
      by: operatorName(values.by),
    });
    print(hold, values.json);
    if (!values.json && hold.kind === 'user' && hold.rooms.length === 0) {
      process.stderr.write(
        `Note: ${hold.subject} is in no room this server knows yet; rooms they join are held from the next run.\n`,
      );
    }
    return exitCodes.ok;
  });
}

async function release(args: readonly string[]): Promise<number> {
  const { values, positionals } = optionsWithPositionals(
    args,
    { reason: { type: 'string' }, by: { type: 'string' }, json: { type: 'boolean', default: false } },
    ['hold id'],
  );
  return withServices(async (services) => {
    const hold = await services.holds.release({
      id: positionals[0],
      reason: values.reason ?? '',
      by: operatorName(values.by),
    });
    print(hold, values.json);
    return exitCodes.ok;
  });
}

async function list(args: readonly string[]): Promise<number> {
  const values = options(args, { json: { type: 'boolean', default: false } });
  return withServices(async (services) => {
    const holds = await services.holds.list();
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ holds: holds.map(reportHold) }, null, 2)}\n`);
    } else if (holds.length === 0) {
      process.stdout.write('No legal holds.\n');
    } else {
      process.stdout.write(`${holds.map(describe).join('\n\n')}\n`);
    }
    return exitCodes.ok;
  });
}

const actions: Readonly<Record<string, (args: readonly string[]) => Promise<number>>> = {
  place,
  release,
  list,
};

export async function holdCommand(args: readonly string[]): Promise<number> {
  const [name, ...rest] = args;
  const action = name === undefined ? undefined : actions[name];
  if (!action) throw new UsageError(`hold takes place, release or list\n${holdUsage}`);
  return action(rest);
}
