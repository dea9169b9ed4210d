// staff set, remove, list and import run in-process against real PostgreSQL (a throwaway database).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrateBleepSchema } from '../database/bleepSchema.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';
import { exitCodes } from './cliCommand.ts';
import { cliTestContext } from './cliContext.testkit.ts';
import { runCli } from './runCli.ts';

const amelia = [
  '--user-id',
  '@amelia.hart:matrix.northgate.nhs.uk',
  '--display-name',
  'Dr Amelia Hart',
  '--role',
  'Consultant Cardiologist',
  '--department',
  'Cardiology',
];

describe('staff directory commands', () => {
  let database: ThrowawayDatabase;
  let dir: string;

  beforeAll(async () => {
    database = await createThrowawayDatabase();
    await migrateBleepSchema(database.pool);
    dir = await mkdtemp(join(tmpdir(), 'bleep-staff-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await database.drop();
  });

  // The audit trail is append-only: each test reads only what it added.
  let auditedBefore = 0;
  beforeEach(async () => {
    await database.pool.query('TRUNCATE bleep_staff_member');
    const last = await database.pool.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM bleep_audit');
    auditedBefore = Number(last.rows[0]?.seq ?? 0);
  });

  const cli = () => cliTestContext({ pool: database.pool });
  async function run(...argv: string[]) {
    const { context, out, err } = cli();
    const code = await runCli(argv, context);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  async function auditRows() {
    const rows = await database.pool.query<{ action: string; actor: string; detail: unknown }>(
      "SELECT action, actor, detail FROM bleep_audit WHERE action LIKE 'staff:%' AND seq > $1 ORDER BY seq",
      [auditedBefore],
    );
    return rows.rows;
  }

  it('staff set adds a clinician, then updates them, and both are audited with who did it', async () => {
    expect(await run('staff', 'set', ...amelia)).toMatchObject({
      code: exitCodes.ok,
      out: '@amelia.hart:matrix.northgate.nhs.uk added to the staff directory.',
    });
    const changed = [
      ...amelia.slice(0, 5),
      'Clinical Director',
      '--department',
      'Cardiology',
      '--by',
      'j.smith',
    ];
    expect(await run('staff', 'set', ...changed)).toMatchObject({
      code: exitCodes.ok,
      out: expect.stringContaining('updated') as string,
    });
    expect((await run('staff', 'list')).out.split('\n')).toEqual([
      'USER ID                               NAME            ROLE               DEPARTMENT',
      '@amelia.hart:matrix.northgate.nhs.uk  Dr Amelia Hart  Clinical Director  Cardiology',
    ]);
    expect(await auditRows()).toEqual([
      {
        action: 'staff:set',
        actor: 'it-admin',
        detail: { userId: '@amelia.hart:matrix.northgate.nhs.uk', created: true },
      },
      {
        action: 'staff:set',
        actor: 'j.smith',
        detail: { userId: '@amelia.hart:matrix.northgate.nhs.uk', created: false },
      },
    ]);
  });

  it('staff set refuses a missing option, a malformed user id, or an NHS number, naming the field', async () => {
    expect((await run('staff', 'set', ...amelia.slice(0, 6))).code).toBe(exitCodes.usage);
    const badId = await run('staff', 'set', ...['--user-id', 'amelia', ...amelia.slice(2)]);
    expect(badId.code).toBe(exitCodes.failed);
    expect(badId.err).toContain('userId');
    const nhs = await run('staff', 'set', ...[...amelia.slice(0, 7), 'Ward 4 9434765919']);
    expect(nhs).toMatchObject({
      code: exitCodes.failed,
      err: expect.stringContaining('NHS number') as string,
    });
    expect((await run('staff', 'list')).out).toBe('The staff directory is empty.');
    expect(await auditRows()).toEqual([]);
  });

  it('staff remove takes a clinician out, audited, and says so when there was nobody to remove', async () => {
    await run('staff', 'set', ...amelia);
    expect(await run('staff', 'remove', '--user-id', '@amelia.hart:matrix.northgate.nhs.uk')).toMatchObject({
      code: exitCodes.ok,
    });
    expect((await run('staff', 'list', '--json')).out).toBe('{"staff":[]}');
    expect(await run('staff', 'remove', '--user-id', '@amelia.hart:matrix.northgate.nhs.uk')).toMatchObject({
      code: exitCodes.failed,
      err: expect.stringContaining('not in the staff directory') as string,
    });
    expect((await auditRows()).map((row) => row.action)).toEqual(['staff:set', 'staff:remove']);
  });

  it('staff import adds or updates every entry of a file, or none when one is bad', async () => {
    const staff = [
      {
        userId: '@amelia.hart:n.example',
        displayName: 'Dr Amelia Hart',
        role: 'Consultant',
        department: 'Cardiology',
      },
      {
        userId: '@sam.patel:n.example',
        displayName: 'Sam Patel',
        role: 'Clinical Pharmacist',
        department: 'Pharmacy',
      },
    ];
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify({ staff }));
    expect(await run('staff', 'import', '--file', good)).toMatchObject({
      code: exitCodes.ok,
      out: '2 staff directory entries added or updated.',
    });
    // Again (a restart of the local stack): the same entries, nothing doubled.
    expect((await run('staff', 'import', '--file', good)).code).toBe(exitCodes.ok);
    expect(JSON.parse((await run('staff', 'list', '--json')).out)).toEqual({
      staff: [staff[0], staff[1]],
    });

    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({
        staff: [
          { ...staff[0], role: 'Director' },
          { ...staff[1], userId: 'sam' },
        ],
      }),
    );
    expect(await run('staff', 'import', '--file', bad)).toMatchObject({
      code: exitCodes.failed,
      err: expect.stringContaining('staff[1].userId') as string,
    });
    const unknownField = join(dir, 'odd.json');
    await writeFile(unknownField, JSON.stringify({ staff: [{ ...staff[0], nhsNumber: '9434765919' }] }));
    expect((await run('staff', 'import', '--file', unknownField)).code).toBe(exitCodes.failed);
    expect(JSON.parse((await run('staff', 'list', '--json')).out)).toEqual({ staff: [staff[0], staff[1]] });
    expect((await auditRows()).map((row) => row.detail)).toEqual([{ count: 2 }, { count: 2 }]);
  });
});
