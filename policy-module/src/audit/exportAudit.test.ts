// Against real PostgreSQL: a throwaway database per file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';
import { createAuditLog } from './auditLog.ts';
import { auditEntry, createAuditTestDatabase, steppingClock } from './auditContext.testkit.ts';
import { auditRowsToCsv, csvField, exportAudit } from './exportAudit.ts';
import type { StoredAuditRow } from './readAuditRows.ts';

let database: ThrowawayDatabase;
const amelia = '@amelia.hart:northgate.nhs.uk';
const header = 'seq,at,actor,device,action,room,result,detail,hash';

/** Splits RFC 4180 CSV into rows of fields, honouring quotes, so a test reads the file as a spreadsheet would. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charAt(index);
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index += 1;
    } else field += char;
  }
  return rows;
}

beforeAll(async () => {
  database = await createAuditTestDatabase();
  // One row a minute from 08:00.
  const audit = createAuditLog({ pool: database.pool, clock: steppingClock('2026-11-23T08:00:00Z', 60_000) });
  await audit.record(auditEntry(amelia));
  await audit.record(
    auditEntry('@bob:northgate.nhs.uk', {
      action: 'refuse:createRoom',
      room: '!ward, 12:northgate.nhs.uk',
      result: 'refused: "no-patient-identifiers"\nsecond line',
      detail: { note: 'a, "quoted"\r\nvalue' },
    }),
  );
  await audit.record(auditEntry(amelia, { action: 'logout', device: '=cmd|calc' }));
  await audit.record(auditEntry(null, { action: 'directory:refused', result: 'DIRECTORY_EXPIRED' }));
});

afterAll(async () => {
  await database.drop();
});

describe('audit export', () => {
  it('quotes commas, quotes and line breaks so every field comes back whole', async () => {
    const csv = await exportAudit(database.pool, 'csv');
    const rows = parseCsv(csv);
    expect(rows[0]?.join(',')).toBe(header);
    expect(rows).toHaveLength(5);
    const bob = rows[2] ?? [];
    expect(bob).toHaveLength(9);
    expect(bob[5]).toBe('!ward, 12:northgate.nhs.uk');
    expect(bob[6]).toBe('refused: "no-patient-identifiers"\nsecond line');
    expect(JSON.parse(bob[7] ?? '')).toEqual({ note: 'a, "quoted"\r\nvalue' });
    // A missing actor is an empty field, not the text "null".
    expect(rows[4]?.[2]).toBe('');
  });

  it('neutralises a field a spreadsheet would run as a formula, Matrix user ids (@...) included', async () => {
    const rows = parseCsv(await exportAudit(database.pool, 'csv', { actor: amelia }));
    expect(rows[2]?.[3]).toBe("'=cmd|calc");
    expect(rows[2]?.[2]).toBe(`'${amelia}`);
  });

  it('exports one person’s rows for a subject access request', async () => {
    const rows = parseCsv(await exportAudit(database.pool, 'csv', { actor: amelia }));
    expect(rows.slice(1).map((row) => [row[0], row[2], row[4]])).toEqual([
      ['1', `'${amelia}`, 'login'],
      ['3', `'${amelia}`, 'logout'],
    ]);
  });

  it('exports a time range, from inclusive to exclusive, alone or with a person', async () => {
    const range = { from: new Date('2026-11-23T08:01:00Z'), to: new Date('2026-11-23T08:03:00Z') };
    const json = JSON.parse(await exportAudit(database.pool, 'json', range)) as StoredAuditRow[];
    expect(json.map((row) => row.seq)).toEqual([2, 3]);
    expect(json[0]).toMatchObject({ at: '2026-11-23T08:01:00.000Z', actor: '@bob:northgate.nhs.uk' });
    const both = JSON.parse(
      await exportAudit(database.pool, 'json', { ...range, actor: amelia }),
    ) as StoredAuditRow[];
    expect(both.map((row) => row.seq)).toEqual([3]);
    expect(
      JSON.parse(await exportAudit(database.pool, 'json', { from: new Date('2100-01-01T00:00:00Z') })),
    ).toEqual([]);
  });

  it('writes RFC 4180 fields', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(auditRowsToCsv([])).toBe(`${header}\r\n`);
  });
});
