// audit verify and audit export run in-process against real PostgreSQL (a throwaway database; each test starts
// from a trail of two rows and no enrolments).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog } from '../audit/auditLog.ts';
import { enrolmentTables, migrateBleepSchema } from '../database/bleepSchema.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';
import { truncateAsOwner } from '../database/truncateAsOwner.testkit.ts';
import { exitCodes } from './cliCommand.ts';
import { cliTestContext } from './cliContext.testkit.ts';
import { runCli } from './runCli.ts';

describe('audit commands', () => {
  let database: ThrowawayDatabase;

  beforeAll(async () => {
    database = await createThrowawayDatabase('bleep_audit_cli_test');
    await migrateBleepSchema(database.pool);
  });

  afterAll(async () => {
    await database.drop();
  });

  beforeEach(async () => {
    await truncateAsOwner(database.pool, ['bleep_audit', ...enrolmentTables]);
    const audit = createAuditLog({ pool: database.pool, clock: () => new Date('2026-11-20T10:00:00Z') });
    await audit.record({
      actor: '@amelia.hart:northgate.nhs.uk',
      device: 'WARD12-PC03',
      action: 'login',
      room: null,
      result: 'ok',
    });
    await audit.record({
      actor: '@tom.okafor:northgate.nhs.uk',
      device: 'ED-PC1',
      action: 'refuse:invite',
      room: '!r:x',
      result: '403 M_FORBIDDEN',
    });
  });

  it('audit verify says the trail is intact and prints an anchor that a later verify accepts', async () => {
    const first = cliTestContext({ pool: database.pool });
    expect(await runCli(['audit', 'verify'], first.context)).toBe(exitCodes.ok);
    expect(first.out[0]).toBe('Audit trail intact: 2 rows.');
    const anchor = /(\d+:[0-9a-f]{64})/.exec(first.out[1] ?? '')?.[1] ?? '';
    const second = cliTestContext({ pool: database.pool });
    expect(await runCli(['audit', 'verify', '--anchor', anchor], second.context)).toBe(exitCodes.ok);
    const wrong = cliTestContext({ pool: database.pool });
    expect(await runCli(['audit', 'verify', '--anchor', `2:${'0'.repeat(64)}`], wrong.context)).toBe(
      exitCodes.failed,
    );
    expect(wrong.err[0]).toMatch(/AUDIT TRAIL BROKEN/);
  });

  it('audit verify fails on rows planted outside the chain behind the log, and lists each one', async () => {
    const planted = await createThrowawayDatabase('bleep_audit_cli_test');
    try {
      await migrateBleepSchema(planted.pool);
      const audit = createAuditLog({ pool: planted.pool, clock: () => new Date('2026-11-20T10:00:00Z') });
      await audit.record({ actor: '@a:x', device: null, action: 'login', room: null, result: 'ok' });
      // As the owner would, with the table's triggers off: rows at 0 and -5 that a walk from row 1 never reads.
      await planted.pool.query('ALTER TABLE bleep_audit DISABLE TRIGGER USER');
      await planted.pool.query(
        `INSERT INTO bleep_audit (seq, at, action, result, prev_hash, hash)
         VALUES (0, now(), 'login', 'ok', '', 'x'), (-5, now(), 'login', 'ok', '', 'y')`,
      );
      await planted.pool.query('ALTER TABLE bleep_audit ENABLE TRIGGER USER');
      const { context, err } = cliTestContext({ pool: planted.pool });
      expect(await runCli(['audit', 'verify'], context)).toBe(exitCodes.failed);
      expect(err).toEqual([
        expect.stringMatching(/^AUDIT TRAIL BROKEN at row -5: .*\(AUDIT_ROW_OUTSIDE_CHAIN\)$/),
        '2 findings in all:',
        expect.stringMatching(/^ {2}row -5: .*outside the chain/),
        expect.stringMatching(/^ {2}row 0: .*outside the chain/),
      ]);
    } finally {
      await planted.drop();
    }
  });

  it("audit export gives one person's rows, as JSON or CSV", async () => {
    const json = cliTestContext({ pool: database.pool });
    expect(
      await runCli(
        ['audit', 'export', '--format', 'json', '--user', '@tom.okafor:northgate.nhs.uk'],
        json.context,
      ),
    ).toBe(exitCodes.ok);
    const rows = JSON.parse(json.out.join('\n')) as { actor: string; action: string }[];
    expect(rows).toEqual([
      expect.objectContaining({ actor: '@tom.okafor:northgate.nhs.uk', action: 'refuse:invite' }),
    ]);
    const csv = cliTestContext({ pool: database.pool });
    expect(await runCli(['audit', 'export', '--from', '2026-11-01', '--to', '2026-12-01'], csv.context)).toBe(
      exitCodes.ok,
    );
    expect(
      csv.out
        .join('\n')
        .split('\r\n')
        .filter((line) => line !== ''),
    ).toHaveLength(3);
  });

  it("records trust IT's enrolments in the trail, without the code", async () => {
    const enrol = cliTestContext({ pool: database.pool });
    expect(await runCli(['enrol-device', '--device-id', 'ED-PC7', '--by', 'jo.it'], enrol.context)).toBe(
      exitCodes.ok,
    );
    const code = enrol.out.find((line) => /^\s+[0-9A-Z]{4}-/.test(line))?.trim() ?? 'no code printed';
    const json = cliTestContext({ pool: database.pool });
    await runCli(['audit', 'export', '--format', 'json', '--user', 'jo.it'], json.context);
    const exported = json.out.join('\n');
    expect(JSON.parse(exported)).toEqual([
      expect.objectContaining({ action: 'enrol-device:code-issued', device: 'ED-PC7' }),
    ]);
    expect(exported).not.toContain(code);
  });

  it('refuses a bad --format or --from as a usage error', async () => {
    expect(
      await runCli(['audit', 'export', '--format', 'xml'], cliTestContext({ pool: database.pool }).context),
    ).toBe(exitCodes.usage);
    expect(
      await runCli(
        ['audit', 'export', '--from', 'last tuesday'],
        cliTestContext({ pool: database.pool }).context,
      ),
    ).toBe(exitCodes.usage);
  });
});
