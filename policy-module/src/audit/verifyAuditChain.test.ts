// Against real PostgreSQL: each test tampers with its own throwaway database, as a superuser would.
import { afterEach, describe, expect, it } from 'vitest';
import type { ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';
import { auditHash, genesisHash, type AuditRecord } from './auditRecord.ts';
import { createAuditLog } from './auditLog.ts';
import {
  auditEntry,
  createAuditTestDatabase,
  steppingClock,
  withTriggerDisabled,
} from './auditContext.testkit.ts';
import { readAuditRows } from './readAuditRows.ts';
import { verifyAuditChain } from './verifyAuditChain.ts';

const databases: ThrowawayDatabase[] = [];

afterEach(async () => {
  await Promise.all(databases.splice(0).map((database) => database.drop()));
});

/** A fresh trail of `count` rows. */
async function trailOf(count: number): Promise<ThrowawayDatabase> {
  const database = await createAuditTestDatabase();
  databases.push(database);
  const audit = createAuditLog({ pool: database.pool, clock: steppingClock() });
  for (let index = 1; index <= count; index += 1) {
    await audit.record(auditEntry(`@user${index}:northgate.nhs.uk`, { detail: { index } }));
  }
  return database;
}

describe('verifying the audit trail', () => {
  it('passes an empty trail and an untouched one, read a page at a time', async () => {
    const database = await trailOf(0);
    expect(await verifyAuditChain(database.pool)).toMatchObject({ ok: true, rows: 0 });
    const audit = createAuditLog({ pool: database.pool, clock: steppingClock() });
    for (let index = 0; index < 7; index += 1) await audit.record(auditEntry('@a:x'));
    const [last] = (await readAuditRows(database.pool)).slice(-1);
    for (const pageSize of [1, 3, 7, 100]) {
      expect(await verifyAuditChain(database.pool, { pageSize })).toEqual({
        ok: true,
        rows: 7,
        lastSeq: 7,
        lastHash: last?.hash,
      });
    }
  });

  it('names the row a superuser changed behind the log, and the trigger is back afterwards', async () => {
    const database = await trailOf(6);
    await withTriggerDisabled(database, () =>
      database.pool.query("UPDATE bleep_audit SET actor = '@someone.else:northgate.nhs.uk' WHERE seq = 5"),
    );
    const finding = { code: 'AUDIT_ROW_CHANGED', seq: 5, problem: 'row 5 was changed after it was written' };
    expect(await verifyAuditChain(database.pool, { pageSize: 2 })).toEqual({
      ok: false,
      ...finding,
      verifiedRows: 4,
      findings: [finding],
      findingCount: 1,
    });
    await expect(database.pool.query("UPDATE bleep_audit SET result = 'x' WHERE seq = 1")).rejects.toThrow(
      /append-only/,
    );
  });

  it('catches a change to the detail or the time, not only to the named columns', async () => {
    const database = await trailOf(3);
    await withTriggerDisabled(database, () =>
      database.pool.query(`UPDATE bleep_audit SET detail = '{"index": 20}' WHERE seq = 2`),
    );
    expect(await verifyAuditChain(database.pool)).toMatchObject({
      ok: false,
      code: 'AUDIT_ROW_CHANGED',
      seq: 2,
    });

    const other = await trailOf(3);
    await withTriggerDisabled(other, () =>
      other.pool.query("UPDATE bleep_audit SET at = at - interval '1 hour' WHERE seq = 3"),
    );
    expect(await verifyAuditChain(other.pool)).toMatchObject({
      ok: false,
      code: 'AUDIT_ROW_CHANGED',
      seq: 3,
    });
  });

  it('catches a row changed and re-hashed, at the link to the next row', async () => {
    const database = await trailOf(4);
    const [, second] = await readAuditRows(database.pool);
    if (!second) throw new Error('the trail has no second row');
    const { prevHash, hash: _hash, ...record } = second;
    const forged = { ...record, result: 'refused' };
    await withTriggerDisabled(database, () =>
      database.pool.query("UPDATE bleep_audit SET result = 'refused', hash = $1 WHERE seq = 2", [
        auditHash(prevHash, forged),
      ]),
    );
    expect(await verifyAuditChain(database.pool)).toMatchObject({
      ok: false,
      code: 'AUDIT_LINK_BROKEN',
      seq: 3,
      problem: 'row 3 does not follow row 2',
    });
  });

  it('catches a deleted row in the middle, and a deleted first row', async () => {
    const database = await trailOf(3);
    await withTriggerDisabled(database, () => database.pool.query('DELETE FROM bleep_audit WHERE seq = 2'));
    expect(await verifyAuditChain(database.pool)).toMatchObject({
      ok: false,
      code: 'AUDIT_ROW_MISSING',
      seq: 2,
      problem: 'row 2 is missing (deleted)',
    });

    const other = await trailOf(3);
    await withTriggerDisabled(other, () => other.pool.query('DELETE FROM bleep_audit WHERE seq = 1'));
    expect(await verifyAuditChain(other.pool)).toMatchObject({
      ok: false,
      code: 'AUDIT_ROW_MISSING',
      seq: 1,
    });
  });

  it('catches the newest rows cut off, given the anchor kept from an earlier verification', async () => {
    const database = await trailOf(5);
    const earlier = await verifyAuditChain(database.pool);
    if (!earlier.ok) throw new Error('the untouched trail should verify');
    const anchor = { seq: earlier.lastSeq, hash: earlier.lastHash };
    await withTriggerDisabled(database, () => database.pool.query('DELETE FROM bleep_audit WHERE seq >= 4'));
    // Without the anchor the shortened chain is self-consistent; that is why the anchor is kept elsewhere.
    expect(await verifyAuditChain(database.pool)).toMatchObject({ ok: true, rows: 3 });
    expect(await verifyAuditChain(database.pool, { anchor })).toMatchObject({
      ok: false,
      code: 'AUDIT_ROW_MISSING',
      seq: 4,
    });
  });

  it('catches a whole chain rewritten from the start, given an anchor', async () => {
    const database = await trailOf(3);
    const earlier = await verifyAuditChain(database.pool);
    if (!earlier.ok) throw new Error('the untouched trail should verify');
    // The tamperer replaces the table with a freshly computed chain in which row 2 says something else.
    const rows = await readAuditRows(database.pool);
    let prevHash = rows[0]?.prevHash ?? '';
    await withTriggerDisabled(database, async () => {
      for (const { prevHash: _prev, hash: _hash, ...record } of rows) {
        const rewritten = record.seq === 2 ? { ...record, actor: '@innocent:northgate.nhs.uk' } : record;
        const hash = auditHash(prevHash, rewritten);
        await database.pool.query(
          'UPDATE bleep_audit SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4',
          [rewritten.actor, prevHash, hash, record.seq],
        );
        prevHash = hash;
      }
    });
    expect(await verifyAuditChain(database.pool)).toMatchObject({ ok: true });
    expect(
      await verifyAuditChain(database.pool, { anchor: { seq: earlier.lastSeq, hash: earlier.lastHash } }),
    ).toMatchObject({ ok: false, code: 'AUDIT_ANCHOR_MISMATCH', seq: 3 });
  });

  it('reports rows the owner planted at seq 0 and below, which a walk from row 1 never reads', async () => {
    const database = await trailOf(2);
    const [first] = await readAuditRows(database.pool);
    if (!first) throw new Error('the trail has no first row');
    await withTriggerDisabled(database, () =>
      Promise.all(
        [0, -5].map((seq) => {
          const { prevHash: _prev, hash: _hash, ...record } = { ...first, seq };
          return plantRow(database, record, genesisHash);
        }),
      ),
    );
    expect(await verifyAuditChain(database.pool)).toMatchObject({
      ok: false,
      code: 'AUDIT_ROW_OUTSIDE_CHAIN',
      seq: -5,
      verifiedRows: 0,
      findings: [
        expect.objectContaining({ code: 'AUDIT_ROW_OUTSIDE_CHAIN', seq: -5 }),
        expect.objectContaining({ code: 'AUDIT_ROW_OUTSIDE_CHAIN', seq: 0 }),
      ],
      findingCount: 2,
    });
  });

  it('reports a row planted past a gap, and a change further on that the gap must not hide', async () => {
    const database = await trailOf(3);
    const rows = await readAuditRows(database.pool);
    const third = rows[2];
    if (!third) throw new Error('the trail has no third row');
    const { prevHash: _prev, hash: _hash, ...record } = third;
    // Row 5, correctly hashed and linked to row 3, as if row 4 had been written and deleted.
    await withTriggerDisabled(database, () => plantRow(database, { ...record, seq: 5 }, third.hash));
    const audit = createAuditLog({ pool: database.pool, clock: steppingClock('2026-12-01T00:00:00Z') });
    await audit.record(auditEntry('@after:northgate.nhs.uk'));
    await audit.record(auditEntry('@after:northgate.nhs.uk'));
    await withTriggerDisabled(database, () =>
      database.pool.query("UPDATE bleep_audit SET result = 'refused' WHERE seq = 7"),
    );
    const verification = await verifyAuditChain(database.pool, { pageSize: 2 });
    expect(verification).toMatchObject({ ok: false, code: 'AUDIT_ROW_MISSING', seq: 4, verifiedRows: 3 });
    if (verification.ok) return;
    expect(verification.findings.map(({ code, seq }) => [code, seq])).toEqual([
      ['AUDIT_ROW_MISSING', 4],
      ['AUDIT_ROW_CHANGED', 7],
    ]);
  });

  it('reports a row planted with a wrong link, and goes on to the rows after it', async () => {
    const database = await trailOf(2);
    const [, second] = await readAuditRows(database.pool);
    if (!second) throw new Error('the trail has no second row');
    const { prevHash: _prev, hash: _hash, ...record } = second;
    await withTriggerDisabled(database, () => plantRow(database, { ...record, seq: 3 }, 'e'.repeat(64)));
    await withTriggerDisabled(database, () => plantRow(database, { ...record, seq: 4 }, 'f'.repeat(64)));
    const verification = await verifyAuditChain(database.pool);
    if (verification.ok) throw new Error('the planted rows should be reported');
    expect(verification.findings).toEqual([
      { code: 'AUDIT_LINK_BROKEN', seq: 3, problem: 'row 3 does not follow row 2' },
      { code: 'AUDIT_LINK_BROKEN', seq: 4, problem: 'row 4 does not follow row 3' },
    ]);
  });

  it('reports a row holding a value no appender writes instead of failing', async () => {
    const database = await trailOf(2);
    await withTriggerDisabled(database, () =>
      database.pool.query(`UPDATE bleep_audit SET detail = '{"ratio": 0.5}' WHERE seq = 1`),
    );
    expect(await verifyAuditChain(database.pool)).toMatchObject({
      ok: false,
      findings: [{ code: 'AUDIT_ROW_CHANGED', seq: 1, problem: 'row 1 holds a value no appender writes' }],
    });
  });

  it('lists findings up to a limit and counts them all', async () => {
    const database = await trailOf(1);
    await withTriggerDisabled(database, () =>
      database.pool.query(
        `INSERT INTO bleep_audit (seq, at, action, result, prev_hash, hash)
         SELECT -n, now(), 'login', 'ok', '', md5(n::text) FROM generate_series(1, 5) AS n`,
      ),
    );
    expect(await verifyAuditChain(database.pool, { maxFindings: 2 })).toMatchObject({
      ok: false,
      findings: [{ seq: -5 }, { seq: -4 }],
      findingCount: 5,
    });
  });
});

/** Inserts a row hashed over its own fields behind the log; the caller has switched the triggers off. */
async function plantRow(database: ThrowawayDatabase, record: AuditRecord, prevHash: string): Promise<void> {
  await database.pool.query(
    `INSERT INTO bleep_audit (seq, at, actor, device, action, room, result, detail, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      record.seq,
      record.at,
      record.actor,
      record.device,
      record.action,
      record.room,
      record.result,
      JSON.stringify(record.detail),
      prevHash,
      auditHash(prevHash, record),
    ],
  );
}
