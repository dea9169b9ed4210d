// Against real PostgreSQL: a throwaway database per file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../database/throwawayDatabase.ts';
import { createAuditLog } from './auditLog.ts';
import { migrateAuditSchema } from './auditSchema.ts';
import { auditRowsToCsv, csvField, exportAudit } from './exportAudit.ts';
import { readAuditRows } from './readAuditRows.ts';
import { verifyAuditChain } from './verifyAuditChain.ts';

let database: ThrowawayDatabase;
let tick = Date.parse('2026-11-23T08:00:00Z');
const clock = () => new Date((tick += 1000));

beforeAll(async () => {
  database = await createThrowawayDatabase('bleep_audit_test');
  await migrateAuditSchema(database.pool);
  // Running the migration again (a second gateway starting) changes nothing.
  await migrateAuditSchema(database.pool);
});

afterAll(async () => {
  await database.drop();
});

const entry = (actor: string, action = 'login') => ({
  actor,
  device: 'WARD12-PC03',
  action,
  room: null,
  result: 'ok',
});

describe('audit trail', () => {
  it('chains appends, including concurrent ones, into one verifiable trail', async () => {
    const audit = createAuditLog({ pool: database.pool, clock });
    await audit.record(entry('@amelia.hart:northgate.nhs.uk'));
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        audit.record(entry(`@user${index}:northgate.nhs.uk`, 'refuse:invite')),
      ),
    );
    const verification = await verifyAuditChain(database.pool);
    expect(verification).toMatchObject({ ok: true, rows: 21 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE through ordinary SQL', async () => {
    await expect(
      database.pool.query("UPDATE bleep_audit SET result = 'changed' WHERE seq = 1"),
    ).rejects.toThrow(/append-only/);
    await expect(database.pool.query('DELETE FROM bleep_audit WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(database.pool.query('TRUNCATE bleep_audit')).rejects.toThrow(/append-only/);
  });

  it('catches a row changed behind the log by a superuser, naming the row', async () => {
    await database.pool.query('ALTER TABLE bleep_audit DISABLE TRIGGER bleep_audit_no_change');
    await database.pool.query(
      "UPDATE bleep_audit SET actor = '@someone.else:northgate.nhs.uk' WHERE seq = 5",
    );
    expect(await verifyAuditChain(database.pool)).toMatchObject({
      ok: false,
      seq: 5,
      problem: expect.stringContaining('changed') as string,
    });
    // Put it back for the next test, then delete a row instead.
    const original = (await readAuditRows(database.pool)).find((row) => row.seq === 5);
    expect(original?.actor).toBe('@someone.else:northgate.nhs.uk');
  });

  it('catches a deleted row', async () => {
    const fresh = await createThrowawayDatabase('bleep_audit_test');
    try {
      await migrateAuditSchema(fresh.pool);
      const audit = createAuditLog({ pool: fresh.pool, clock });
      for (const name of ['a', 'b', 'c']) await audit.record(entry(`@${name}:x`));
      await fresh.pool.query('ALTER TABLE bleep_audit DISABLE TRIGGER bleep_audit_no_change');
      await fresh.pool.query('DELETE FROM bleep_audit WHERE seq = 2');
      expect(await verifyAuditChain(fresh.pool)).toMatchObject({
        ok: false,
        seq: 2,
        problem: expect.stringContaining('missing') as string,
      });
    } finally {
      await fresh.drop();
    }
  });

  it('exports CSV that a spreadsheet reads safely, filtered by person', async () => {
    const csv = await exportAudit(database.pool, 'csv', { actor: '@amelia.hart:northgate.nhs.uk' });
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('seq,at,actor,device,action,room,result,detail,hash');
    expect(lines).toHaveLength(2);
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(auditRowsToCsv([])).toBe('seq,at,actor,device,action,room,result,detail,hash\r\n');
  });

  it('exports JSON filtered by time', async () => {
    const rows = JSON.parse(
      await exportAudit(database.pool, 'json', { from: new Date('2100-01-01T00:00:00Z') }),
    ) as unknown[];
    expect(rows).toEqual([]);
  });
});
