// The period an officer asks a report for: `--from` and `--to` as dates (2026-11-01) or instants
// (2026-11-01T09:00:00Z). A date-only `--to` means through the end of that day; without `--from` the period is the
// 30 days before `--to` (or now). Read by zod; a bad date is an error naming the option, never a report of nothing.
import { z } from 'zod';

export type ReportPeriod = Readonly<{ from: Date; to: Date }>;

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'give a date (2026-11-01) or a UTC instant (2026-11-01T09:00:00Z)',
});

export class ReportPeriodError extends Error {
  override readonly name = 'ReportPeriodError';
  readonly code = 'REPORT_BAD_PERIOD';
}

function parseInstant(option: string, value: string, endOfDay: boolean): Date {
  const result = instant.safeParse(value);
  if (!result.success) {
    throw new ReportPeriodError(`--${option} "${value}": ${result.error.issues[0]?.message ?? 'not a date'}`);
  }
  const at = new Date(dateOnly.test(value) ? `${value}T00:00:00.000Z` : value);
  if (Number.isNaN(at.getTime())) throw new ReportPeriodError(`--${option} "${value}" is not a real date`);
  return endOfDay && dateOnly.test(value) ? new Date(at.getTime() + 86_400_000) : at;
}

export function parseReportPeriod(
  options: Readonly<{ from?: string | undefined; to?: string | undefined }>,
  now: Date,
): ReportPeriod {
  const to = options.to === undefined ? now : parseInstant('to', options.to, true);
  const from =
    options.from === undefined
      ? new Date(to.getTime() - 30 * 86_400_000)
      : parseInstant('from', options.from, false);
  if (from.getTime() >= to.getTime()) {
    throw new ReportPeriodError(
      `the period is empty: --from ${from.toISOString()} is not before --to ${to.toISOString()}`,
    );
  }
  return { from, to };
}
