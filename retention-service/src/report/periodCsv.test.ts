import { describe, expect, it } from 'vitest';
import { noPurges } from '../run/runStore.ts';
import { csvCell, csvColumns, periodCsv } from './periodCsv.ts';
import type { PeriodReport } from './periodReport.ts';

const report: PeriodReport = {
  trust: 'trust-a.example',
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-12-01T00:00:00.000Z',
  generatedAt: '2026-11-28T12:00:00.000Z',
  windowHours: 72,
  totals: {
    runs: 1,
    clean: 1,
    withFindings: 0,
    failed: 0,
    interrupted: 0,
    purged: { ...noPurges, events: 4 },
  },
  runs: [
    {
      id: 7,
      trigger: 'schedule',
      startedAt: '2026-11-02T10:00:00.000Z',
      finishedAt: '2026-11-02T10:01:00.000Z',
      windowSeconds: 259200,
      windowSource: 'policy',
      cutoff: '2026-10-30T10:00:00.000Z',
      proofHorizon: '2026-10-30T09:50:00.000Z',
      status: 'complete',
      purged: { ...noPurges, events: 4, searchRows: 2 },
      proofRan: true,
      findingCount: 0,
      failureCount: 0,
    },
  ],
  legalHolds: [
    {
      id: 3,
      kind: 'room',
      subject: '!ward7:trust-a.example',
      reason: '=HYPERLINK("http://evil.example","Click"), "quoted"',
      reference: 'SAR-2026-041',
      placedBy: 'ig.officer',
      placedAt: '2026-11-03T09:00:00.000Z',
      releasedAt: null,
      releasedBy: null,
      releaseReason: null,
      rooms: ['!ward7:trust-a.example'],
    },
  ],
  roomPurges: [
    {
      id: 2,
      roomId: '!wrongward:trust-a.example',
      at: '2026-11-04T11:00:00.000Z',
      by: 'ig.officer',
      reason: 'Photo posted to the wrong ward',
      reference: 'DI-2026-117',
      cutoff: '2026-11-04T10:59:59.000Z',
      outcome: 'purged',
      counts: {
        eventsPurged: 12,
        redactionsSent: 1,
        searchRows: 3,
        media: 1,
        eventsLeft: 0,
        searchRowsLeft: 0,
      },
    },
  ],
};

describe('a period report as CSV', () => {
  it('has a header and one row per run, hold and room purge, each as wide as the header', () => {
    const lines = periodCsv(report).split('\r\n');
    expect(lines[0]).toBe(csvColumns.join(','));
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(1, -1).map((line) => line.split(',')[0])).toEqual(['run', 'legal-hold', 'room-purge']);
    expect(lines[1]).toBe(
      'run,7,2026-11-02T10:00:00.000Z,2026-11-02T10:01:00.000Z,clean,schedule,,,,,,,4,0,2,0,0,0,0,0,0,0,',
    );
    expect(lines[3]).toContain('room-purge,2,2026-11-04T10:59:59.000Z,2026-11-04T11:00:00.000Z,purged,');
  });

  it('quotes what holds a comma or a quote, and never lets a cell start a spreadsheet formula', () => {
    const hold = periodCsv(report).split('\r\n')[2] ?? '';
    expect(hold).toContain(`"'=HYPERLINK(""http://evil.example"",""Click""), ""quoted"""`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-cmd')).toBe("'-cmd");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(0)).toBe('0');
  });
});
