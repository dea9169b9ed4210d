// Against real PostgreSQL: a throwaway database per file, whose trail each test starts empty.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';
import { truncateAsOwner } from '../database/truncateAsOwner.testkit.ts';
import { createAuditLog } from './auditLog.ts';
import { migrateAuditSchema } from './auditSchema.ts';
import { auditEntry, createAuditTestDatabase, steppingClock } from './auditContext.testkit.ts';
import { readAuditRows } from './readAuditRows.ts';
import { maxAuditKeyLength, maxAuditTextLength } from './storableAuditEntry.ts';
import { verifyAuditChain } from './verifyAuditChain.ts';

let database: ThrowawayDatabase;

beforeAll(async () => {
  database = await createAuditTestDatabase();
  // Running the migration again (a second gateway starting) changes nothing.
  await migrateAuditSchema(database.pool);
});

afterAll(async () => {
  await database.drop();
});

beforeEach(async () => {
  await truncateAsOwner(database.pool, ['bleep_audit']);
});

describe('audit trail', () => {
  it('chains appends, including 20 concurrent ones, into one verifiable trail', async () => {
    const audit = createAuditLog({ pool: database.pool, clock: steppingClock() });
    await audit.record(auditEntry('@amelia.hart:northgate.nhs.uk'));
    await audit.record(auditEntry('@amelia.hart:northgate.nhs.uk', { action: 'logout' }));
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        audit.record(auditEntry(`@user${index}:northgate.nhs.uk`, { action: 'refuse:invite' })),
      ),
    );
    expect(await verifyAuditChain(database.pool)).toMatchObject({ ok: true, rows: 22, lastSeq: 22 });
    const rows = await readAuditRows(database.pool);
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: 22 }, (_, index) => index + 1));
    // Each row names its predecessor's hash: one chain, no forks.
    rows.slice(1).forEach((row, index) => {
      expect(row.prevHash).toBe(rows[index]?.hash);
    });
  });

  it('stamps each row with the injected clock', async () => {
    const audit = createAuditLog({ pool: database.pool, clock: () => new Date('2031-01-02T03:04:05.678Z') });
    await audit.record(auditEntry('@clock:northgate.nhs.uk'));
    const [row] = await readAuditRows(database.pool, { actor: '@clock:northgate.nhs.uk' });
    expect(row?.at).toBe('2031-01-02T03:04:05.678Z');
  });

  it('refuses UPDATE, DELETE and TRUNCATE through ordinary SQL', async () => {
    // A row for the statements to reach: the row trigger does not fire on an empty table.
    const audit = createAuditLog({ pool: database.pool, clock: steppingClock() });
    await audit.record(auditEntry('@amelia.hart:northgate.nhs.uk'));
    await expect(
      database.pool.query("UPDATE bleep_audit SET result = 'changed' WHERE seq = 1"),
    ).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(database.pool.query('DELETE FROM bleep_audit WHERE seq = 1')).rejects.toThrow(
      /append-only: DELETE refused/,
    );
    await expect(database.pool.query('TRUNCATE bleep_audit')).rejects.toThrow(
      /append-only: TRUNCATE refused/,
    );
    expect(await verifyAuditChain(database.pool)).toMatchObject({ ok: true, rows: 1 });
    expect((await readAuditRows(database.pool))[0]?.result).toBe('ok');
  });

  it('records hostile text from a request (NUL, lone surrogates) and still verifies', async () => {
    const audit = createAuditLog({ pool: database.pool, clock: steppingClock('2026-11-24T00:00:00Z') });
    // A device id from an unauthenticated login body: the refusal must be audited, not lost to a database error.
    await audit.record(auditEntry(null, { device: 'a\u0000b', result: 'refused' }));
    await audit.record(auditEntry(null, { device: '\ud800x', detail: { ['key\udc00']: 'v\u0000' } }));
    expect(await verifyAuditChain(database.pool)).toMatchObject({ ok: true });
    const rows = await readAuditRows(database.pool, {
      from: new Date('2026-11-24T00:00:00Z'),
      to: new Date('2026-11-25T00:00:00Z'),
    });
    expect(rows.map((row) => row.device)).toEqual(['a\uFFFDb', '\uFFFDx']);
    expect(rows[1]?.detail).toEqual({ 'key\uFFFD': 'v\uFFFD' });
  });

  it('records a refused sign-in whose device_id and user are hostile and huge, cut to a length the table indexes', async () => {
    const audit = createAuditLog({ pool: database.pool, clock: steppingClock('2026-11-26T00:00:00Z') });
    // Random text does not compress: past ~2.7 kB an indexed column (actor) makes PostgreSQL refuse the row.
    const huge = randomBytes(30_000).toString('base64');
    await audit.record(
      auditEntry(`@${huge}\u0000`, {
        device: `\ud800${huge}\u0000`,
        result: 'refused: INVALID_DEVICE_ID',
        detail: { [huge]: huge },
      }),
    );
    expect(await verifyAuditChain(database.pool)).toMatchObject({ ok: true });
    const [row] = await readAuditRows(database.pool, {
      from: new Date('2026-11-26T00:00:00Z'),
      to: new Date('2026-11-27T00:00:00Z'),
    });
    expect(row?.result).toBe('refused: INVALID_DEVICE_ID');
    expect(row?.device).toBe(`\uFFFD${huge.slice(0, maxAuditTextLength - 2)}\u2026`);
    expect(row?.actor).toHaveLength(maxAuditTextLength);
    const [[key, value] = []] = Object.entries(row?.detail ?? {});
    expect(key).toHaveLength(maxAuditKeyLength);
    expect(value).toHaveLength(maxAuditTextLength);
  });

  it('cuts text at a surrogate pair without leaving half of it', async () => {
    const audit = createAuditLog({ pool: database.pool, clock: steppingClock('2026-11-27T00:00:00Z') });
    const device = `${'x'.repeat(maxAuditTextLength - 2)}\u{1F600}tail`;
    await audit.record(auditEntry(null, { device }));
    expect(await verifyAuditChain(database.pool)).toMatchObject({ ok: true });
    const [row] = await readAuditRows(database.pool, {
      from: new Date('2026-11-27T00:00:00Z'),
      to: new Date('2026-11-28T00:00:00Z'),
    });
    expect(row?.device).toBe(`${'x'.repeat(maxAuditTextLength - 2)}\uFFFD\u2026`);
  });

  it('records details with fractions and huge numbers, which canonical JSON cannot hash as numbers', async () => {
    const audit = createAuditLog({ pool: database.pool, clock: steppingClock('2026-11-25T00:00:00Z') });
    await audit.record(
      auditEntry('@numbers:northgate.nhs.uk', {
        detail: { ratio: 0.5, count: 3, huge: 2 ** 60, bad: Number.NaN, flag: true, none: null },
      }),
    );
    expect(await verifyAuditChain(database.pool)).toMatchObject({ ok: true });
    const [row] = await readAuditRows(database.pool, { actor: '@numbers:northgate.nhs.uk' });
    expect(row?.detail).toEqual({
      ratio: '0.5',
      count: 3,
      huge: String(2 ** 60),
      bad: 'NaN',
      flag: true,
      none: null,
    });
  });

  it('has the columns the schema promises, none of them for message content', async () => {
    const columns = await database.pool.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'bleep_audit' ORDER BY ordinal_position",
    );
    expect(columns.rows.map((column) => column.column_name)).toEqual([
      'seq',
      'at',
      'actor',
      'device',
      'action',
      'room',
      'result',
      'detail',
      'prev_hash',
      'hash',
    ]);
  });
});
