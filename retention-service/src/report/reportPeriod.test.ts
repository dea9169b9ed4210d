import { describe, expect, it } from 'vitest';
import { parseReportPeriod, ReportPeriodError } from './reportPeriod.ts';

const now = new Date('2026-11-28T12:00:00Z');

describe('the period of a report', () => {
  it('reads dates as whole UTC days, a date-only --to through the end of that day', () => {
    expect(parseReportPeriod({ from: '2026-11-01', to: '2026-11-30' }, now)).toEqual({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
    });
  });

  it('reads instants as they are, and defaults to the 30 days before --to or now', () => {
    expect(parseReportPeriod({ from: '2026-11-01T09:30:00Z', to: '2026-11-02T10:00:00+01:00' }, now)).toEqual(
      {
        from: new Date('2026-11-01T09:30:00Z'),
        to: new Date('2026-11-02T09:00:00Z'),
      },
    );
    expect(parseReportPeriod({}, now)).toEqual({ from: new Date('2026-10-29T12:00:00Z'), to: now });
  });

  it('refuses what is not a date, a date that does not exist, and an empty period, naming the option', () => {
    expect(() => parseReportPeriod({ from: 'last week' }, now)).toThrow(/--from "last week"/);
    expect(() => parseReportPeriod({ to: '2026-02-30' }, now)).toThrow(ReportPeriodError);
    expect(() => parseReportPeriod({ from: '2026-11-02', to: '2026-11-01' }, now)).toThrow(/period is empty/);
    expect(() => parseReportPeriod({ from: '2026-11-28T12:00:00Z' }, now)).toThrow(/period is empty/);
  });
});
