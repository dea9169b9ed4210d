// Exports audit rows for an information-governance officer (a subject access request, an incident review): CSV
// for a spreadsheet or JSON for tools. Rows carry no message content, because none was ever written.
import type { Pool } from 'pg';
import { readAuditRows, type AuditFilter, type StoredAuditRow } from './readAuditRows.ts';

const columns = ['seq', 'at', 'actor', 'device', 'action', 'room', 'result', 'detail', 'hash'] as const;

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a formula-like start is neutralised. */
export function csvField(value: string): string {
  // A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function cell(row: StoredAuditRow, column: (typeof columns)[number]): string {
  const value = column === 'detail' ? JSON.stringify(row.detail) : row[column];
  return value === null ? '' : String(value);
}

export function auditRowsToCsv(rows: readonly StoredAuditRow[]): string {
  const lines = [
    columns.join(','),
    ...rows.map((row) => columns.map((column) => csvField(cell(row, column))).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

export async function exportAudit(
  pool: Pool,
  format: 'csv' | 'json',
  filter: AuditFilter = {},
): Promise<string> {
  const rows = await readAuditRows(pool, filter);
  return format === 'csv' ? auditRowsToCsv(rows) : `${JSON.stringify(rows, null, 2)}\n`;
}
