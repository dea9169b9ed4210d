// A period report as one CSV table an information-governance officer opens in a spreadsheet: a row per run, per
// legal hold and per room purged on request, the `record` column saying which, blank cells where a column does not
// apply. RFC 4180 quoting; and a cell that a spreadsheet would run as a formula (it starts with = + - @, a tab or a
// carriage return: an officer's free text, a room id from a partner) is prefixed with an apostrophe, so the file
// cannot run anything on the officer's machine (CSV injection).
import type { PeriodReport } from './periodReport.ts';

export const csvColumns = [
  'record',
  'id',
  'start',
  'end',
  'status',
  'trigger',
  'kind',
  'subject',
  'reference',
  'by',
  'reason',
  'rooms',
  'events',
  'redactions',
  'search_rows',
  'to_device',
  'federation_outbox',
  'federation_staging',
  'local_media',
  'remote_media',
  'findings',
  'failures',
  'content_left',
] as const;

type Column = (typeof csvColumns)[number];
type Row = Partial<Record<Column, string | number | null>>;

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function line(row: Row): string {
  return csvColumns.map((column) => csvCell(row[column])).join(',');
}

/** A finished run as the compliance report says it: clean, findings, or why it is neither. */
function runStatus(run: PeriodReport['runs'][number]): string {
  if (run.status !== 'complete') return run.status;
  if (!run.proofRan) return 'no-proof';
  return run.findingCount > 0 ? 'findings' : 'clean';
}

export function periodCsv(report: PeriodReport): string {
  const rows: Row[] = [];
  for (const run of report.runs) {
    rows.push({
      record: 'run',
      id: run.id,
      start: run.startedAt,
      end: run.finishedAt,
      status: runStatus(run),
      trigger: run.trigger,
      events: run.purged.events,
      redactions: run.purged.redactions,
      search_rows: run.purged.searchRows,
      to_device: run.purged.toDevice,
      federation_outbox: run.purged.federationOutbox,
      federation_staging: run.purged.federationStaging,
      local_media: run.purged.localMedia,
      remote_media: run.purged.remoteMedia,
      findings: run.findingCount,
      failures: run.failureCount,
    });
  }
  for (const hold of report.legalHolds) {
    rows.push({
      record: 'legal-hold',
      id: hold.id,
      start: hold.placedAt,
      end: hold.releasedAt,
      status: hold.releasedAt === null ? 'active' : 'released',
      kind: hold.kind,
      subject: hold.subject,
      reference: hold.reference,
      by: hold.releasedBy === null ? hold.placedBy : `${hold.placedBy}; released by ${hold.releasedBy}`,
      reason: hold.releaseReason === null ? hold.reason : `${hold.reason}; released: ${hold.releaseReason}`,
      rooms: hold.rooms.length,
    });
  }
  for (const purge of report.roomPurges) {
    rows.push({
      record: 'room-purge',
      id: purge.id,
      start: purge.cutoff,
      end: purge.at,
      status: purge.outcome,
      subject: purge.roomId,
      reference: purge.reference,
      by: purge.by,
      reason: purge.reason,
      rooms: 1,
      events: purge.counts.eventsPurged,
      redactions: purge.counts.redactionsSent,
      search_rows: purge.counts.searchRows,
      local_media: purge.counts.media,
      content_left: purge.counts.eventsLeft + purge.counts.searchRowsLeft,
    });
  }
  return `${[csvColumns.join(','), ...rows.map(line)].join('\r\n')}\r\n`;
}
