// Against real PostgreSQL (a throwaway database and a throwaway role with the gateway's grants): the database itself
// admits only the audit chain's next link, whoever writes it, and the appender's rows always are that link. Each
// test starts from an empty trail.
import fc from 'fast-check';
import type { Pool } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrateBleepSchema } from '../database/bleepSchema.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';
import {
  createThrowawayServiceRole,
  type ThrowawayServiceRole,
} from '../database/throwawayServiceRole.testkit.ts';
import { truncateAsOwner } from '../database/truncateAsOwner.testkit.ts';
import type { AuditEntry } from './auditEntry.ts';
import { createAuditLog } from './auditLog.ts';
import { auditHash, genesisHash, type AuditRecord } from './auditRecord.ts';
import { migrateAuditSchema } from './auditSchema.ts';
import { auditEntry, steppingClock } from './auditContext.testkit.ts';
import { readAuditRows } from './readAuditRows.ts';
import { verifyAuditChain } from './verifyAuditChain.ts';

let database: ThrowawayDatabase;
let gateway: ThrowawayServiceRole;

beforeAll(async () => {
  database = await createThrowawayDatabase('bleep_audit_schema_test');
  await migrateBleepSchema(database.pool);
  gateway = await createThrowawayServiceRole(database);
});

afterAll(async () => {
  await gateway.drop();
  await database.drop();
});

beforeEach(async () => {
  await truncateAsOwner(database.pool, ['bleep_audit']);
});

/** A row as someone writing SQL by hand would insert it: hash computed correctly over its own fields. */
async function insertByHand(
  pool: Pool,
  seq: number,
  prevHash: string,
  overrides: Partial<AuditRecord> & { hash?: string } = {},
): Promise<unknown> {
  const { hash, ...fields } = overrides;
  const record: AuditRecord = {
    seq,
    at: '2026-11-23T12:00:00.000Z',
    actor: '@mallory:northgate.nhs.uk',
    device: null,
    action: 'login',
    room: null,
    result: 'ok',
    detail: {},
    ...fields,
  };
  return pool.query(
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
      hash ?? auditHash(prevHash, record),
    ],
  );
}

async function lastRow(): Promise<{ seq: number; hash: string }> {
  const rows = await readAuditRows(database.pool);
  const last = rows.at(-1);
  return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: genesisHash };
}

describe('the audit table admits only the next link of the chain', () => {
  it("refuses, as the gateway's role, a first row that does not start the chain", async () => {
    await expect(insertByHand(gateway.pool, 2, genesisHash)).rejects.toThrow(
      /row 2 refused, the next row is 1/,
    );
    await expect(insertByHand(gateway.pool, 1, 'f'.repeat(64))).rejects.toThrow(/prev_hash/);
    // The control: the same row, correctly linked, is the gateway role's to write.
    await expect(insertByHand(gateway.pool, 1, genesisHash)).resolves.toBeDefined();
  });

  it("refuses, as the gateway's role, a row numbered 0, -5, past a gap, or again", async () => {
    const audit = createAuditLog({ pool: gateway.pool, clock: steppingClock() });
    await audit.record(auditEntry('@amelia.hart:northgate.nhs.uk'));
    const last = await lastRow();
    for (const seq of [0, -5, last.seq + 2, last.seq]) {
      await expect(insertByHand(gateway.pool, seq, last.hash)).rejects.toMatchObject({ code: '23514' });
    }
    expect(await lastRow()).toEqual(last);
    expect(await verifyAuditChain(database.pool)).toMatchObject({ ok: true, lastSeq: last.seq });
  });

  it("refuses, as the gateway's role, a row that does not link to the last one or whose hash is not its own", async () => {
    // A row to link to: on an empty trail the genesis value is the right prev_hash.
    const audit = createAuditLog({ pool: gateway.pool, clock: steppingClock() });
    await audit.record(auditEntry('@amelia.hart:northgate.nhs.uk'));
    const last = await lastRow();
    const next = last.seq + 1;
    await expect(insertByHand(gateway.pool, next, genesisHash)).rejects.toThrow(/prev_hash/);
    await expect(insertByHand(gateway.pool, next, 'a'.repeat(64))).rejects.toThrow(/prev_hash/);
    await expect(insertByHand(gateway.pool, next, last.hash, { hash: 'b'.repeat(64) })).rejects.toThrow(
      /hash does not cover its fields/,
    );
    // A hash computed over other fields than the row holds.
    const other = auditHash(last.hash, {
      seq: next,
      at: '2026-11-23T12:00:00.000Z',
      actor: '@innocent:northgate.nhs.uk',
      device: null,
      action: 'login',
      room: null,
      result: 'ok',
      detail: {},
    });
    await expect(insertByHand(gateway.pool, next, last.hash, { hash: other })).rejects.toThrow(
      /hash does not cover its fields/,
    );
    expect(await lastRow()).toEqual(last);
  });

  it("reads the real trail, not a temporary table of the gateway role's own with the same name", async () => {
    const last = await lastRow();
    const client = await gateway.pool.connect();
    try {
      // The role's temporary schema comes first in an unpinned search_path: a fake trail ending at row 1000.
      await client.query('CREATE TEMPORARY TABLE bleep_audit (seq bigint, hash text)');
      await client.query("INSERT INTO bleep_audit VALUES (1000, repeat('d', 64))");
      await expect(
        client.query(
          `INSERT INTO public.bleep_audit (seq, at, action, result, prev_hash, hash)
           VALUES (1001, '2026-11-23T12:00:00Z', 'login', 'ok', repeat('d', 64), 'x')`,
        ),
      ).rejects.toThrow(/row 1001 refused, the next row is/);
    } finally {
      client.release(true);
    }
    expect(await lastRow()).toEqual(last);
  });

  it('refuses a time or detail the appender never writes, which verification could not hash back', async () => {
    const { seq, hash } = await lastRow();
    await expect(
      insertByHand(gateway.pool, seq + 1, hash, { at: '2026-11-23T12:00:00.000500Z' }),
    ).rejects.toThrow(/time/);
    const refused: Record<string, number | string>[] = [
      { ratio: 0.5 },
      { big: 2 ** 60 },
      { ['key\u{1F600}']: 'x' },
    ];
    for (const detail of refused) {
      // Whatever hash came with it: the detail is refused before the hash is compared.
      await expect(
        insertByHand(gateway.pool, seq + 1, hash, { detail, hash: 'c'.repeat(64) }),
      ).rejects.toThrow(/detail/);
    }
    await expect(
      database.pool.query(
        `INSERT INTO bleep_audit (seq, at, action, result, detail, prev_hash, hash)
         VALUES ($1, '2026-11-23T12:00:00Z', 'x', 'x', '[1]', $2, $2)`,
        [seq + 1, hash],
      ),
    ).rejects.toThrow(/not an object/);
  });

  it("lets the appender write as the gateway's role, 20 appends at once from two pools", async () => {
    const before = await lastRow();
    const viaGateway = createAuditLog({ pool: gateway.pool, clock: steppingClock() });
    const viaOwner = createAuditLog({ pool: database.pool, clock: steppingClock() });
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 === 0 ? viaGateway : viaOwner).record(
          auditEntry(`@user${index}:northgate.nhs.uk`, { action: 'refuse:invite' }),
        ),
      ),
    );
    expect(await verifyAuditChain(database.pool)).toMatchObject({ ok: true, lastSeq: before.seq + 20 });
  });

  it('hashes in SQL exactly as the appender does, for any text and detail a request could carry', async () => {
    const audit = createAuditLog({ pool: gateway.pool, clock: steppingClock('2027-01-01T00:00:00Z', 7) });
    const hostileCharacter = fc.oneof(
      fc.constantFrom(
        '\u0000',
        '\ud800',
        '\udfff',
        '\u2028',
        '"',
        '\\',
        '\n',
        '\u007f',
        '\ue000',
        '\uffff',
        '\u{1F600}',
      ),
      fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    const text = fc.string({ unit: hostileCharacter, maxLength: 40 });
    const detailValue = fc.oneof(
      text,
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.bigInt().map(Number),
    );
    const entry: fc.Arbitrary<AuditEntry> = fc.record({
      actor: fc.option(text),
      device: fc.option(text),
      action: text,
      room: fc.option(text),
      result: text,
      detail: fc.dictionary(text, detailValue, { maxKeys: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(entry, async (generated) => {
        await audit.record(generated);
      }),
      { numRuns: 60 },
    );
    expect(await verifyAuditChain(database.pool)).toMatchObject({ ok: true });
  });
});

describe('upgrading a trail made before the database checked its links', () => {
  it('adds the check to the existing table, whose rows still verify and whose appender goes on', async () => {
    const old = await createThrowawayDatabase('bleep_audit_upgrade_test');
    try {
      // The table as the first release made it (append-only trigger, no link check).
      await old.pool.query(`
        CREATE TABLE bleep_audit (
          seq bigint PRIMARY KEY, at timestamptz NOT NULL, actor text, device text, action text NOT NULL,
          room text, result text NOT NULL, detail jsonb NOT NULL DEFAULT '{}'::jsonb, prev_hash text NOT NULL,
          hash text NOT NULL UNIQUE
        );`);
      const audit = createAuditLog({ pool: old.pool, clock: steppingClock() });
      await audit.record(auditEntry('@before:northgate.nhs.uk'));
      await audit.record(auditEntry('@before:northgate.nhs.uk', { action: 'logout' }));
      await insertByHand(old.pool, 0, genesisHash);

      await migrateAuditSchema(old.pool);
      await migrateAuditSchema(old.pool);

      const [, second] = await readAuditRows(old.pool);
      await expect(insertByHand(old.pool, -1, genesisHash)).rejects.toThrow(/refused/);
      await expect(insertByHand(old.pool, 4, second?.hash ?? '')).rejects.toThrow(/refused/);
      await audit.record(auditEntry('@after:northgate.nhs.uk'));
      // The row planted before the upgrade is still reported; the chain itself is whole.
      expect(await verifyAuditChain(old.pool)).toMatchObject({
        ok: false,
        code: 'AUDIT_ROW_OUTSIDE_CHAIN',
        seq: 0,
        findings: [expect.objectContaining({ code: 'AUDIT_ROW_OUTSIDE_CHAIN', seq: 0 })],
      });
      const triggers = await old.pool.query<{ tgname: string }>(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = 'bleep_audit'::regclass AND NOT tgisinternal ORDER BY tgname",
      );
      expect(triggers.rows.map((row) => row.tgname)).toEqual([
        'bleep_audit_next_link',
        'bleep_audit_no_change',
        'bleep_audit_no_truncate',
      ]);
    } finally {
      await old.drop();
    }
  });
});
