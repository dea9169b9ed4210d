// bleep-retention report [--format json|csv] [--csv] [--from DATE] [--to DATE]: the compliance report (JSON, as
// /report serves it), with, for a period, the runs, legal holds and room purges in it; or that period as CSV for a
// spreadsheet (the last 30 days unless --from/--to say otherwise).
import { pino } from 'pino';
import { parseRetentionConfig } from '../config/retentionConfig.ts';
import { complianceReport } from '../http/complianceReport.ts';
import { periodCsv } from '../report/periodCsv.ts';
import { periodReport } from '../report/periodReport.ts';
import { parseReportPeriod } from '../report/reportPeriod.ts';
import { createRetentionServices } from '../retentionServices.ts';
import { exitCodes, options, UsageError } from './cliArguments.ts';

export const reportUsage = `  report [--format json|csv] [--csv] [--from DATE] [--to DATE]
                                               the compliance report (JSON); with a period, its runs, holds and room
                                               purges; as CSV, that period (default: the last 30 days)`;

export async function reportCommand(args: readonly string[]): Promise<number> {
  const values = options(args, {
    format: { type: 'string' },
    csv: { type: 'boolean', default: false },
    from: { type: 'string' },
    to: { type: 'string' },
  });
  const format = values.csv ? 'csv' : (values.format ?? 'json');
  if (format !== 'json' && format !== 'csv') throw new UsageError('--format is json or csv');
  if (values.csv && values.format !== undefined && values.format !== 'csv') {
    throw new UsageError('--csv and --format json disagree: give one');
  }
  const clock = () => new Date();
  const wantsPeriod = format === 'csv' || values.from !== undefined || values.to !== undefined;
  // Checked before connecting to anything: a mistyped date is a usage error.
  const period = wantsPeriod ? parseReportPeriod({ from: values.from, to: values.to }, clock()) : undefined;
  const config = parseRetentionConfig(process.env);
  const services = await createRetentionServices(config, pino({ level: 'warn' }, pino.destination(2)));
  try {
    const periodDeps = { ...services, clock };
    if (format === 'csv' && period) {
      process.stdout.write(periodCsv(await periodReport(periodDeps, period)));
      return exitCodes.ok;
    }
    const report = await complianceReport({
      store: services.store,
      policy: services.policy,
      intervalSeconds: config.RETENTION_INTERVAL_SECONDS,
      schedulerState: () => ({ nextRunAt: null, consecutiveFailures: 0, lastRun: null }),
      activeHolds: () => services.holdStore.active(),
      clientExpiry: services.clientExpiryReport,
      clock,
    });
    const output = period ? { ...report, period: await periodReport(periodDeps, period) } : report;
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return exitCodes.ok;
  } finally {
    await services.close();
  }
}
