// The staff directory against real PostgreSQL: a throwaway database on the local server, dropped afterwards.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';
import { migrateStaffDirectorySchema } from './staffDirectorySchema.ts';
import {
  createStaffDirectoryStore,
  maxStaffResults,
  type StaffDirectoryStore,
} from './staffDirectoryStore.ts';
import type { StaffMember } from './staffMember.ts';

const northgate = 'matrix.northgate.nhs.uk';
const amelia: StaffMember = {
  userId: `@amelia.hart:${northgate}`,
  displayName: 'Dr Amelia Hart',
  role: 'Consultant Cardiologist',
  department: 'Cardiology',
};
const grace: StaffMember = {
  userId: `@grace.lindqvist:${northgate}`,
  displayName: 'Grace Lindqvist',
  role: 'Ward Sister',
  department: 'Ward 12 (Cardiology)',
};
const zoe: StaffMember = {
  userId: `@zoe.bronte:${northgate}`,
  displayName: 'Zoë Brontë',
  role: 'Clinical Pharmacist',
  department: 'Pharmacy',
};
const rachel: StaffMember = {
  userId: '@rachel.mensah:matrix.southmere.nhs.uk',
  displayName: 'Dr Rachel Mensah',
  role: 'Consultant Cardiothoracic Surgeon',
  department: 'Cardiothoracic Surgery',
};

describe('the staff directory', () => {
  let database: ThrowawayDatabase;
  let store: StaffDirectoryStore;
  const monday = new Date('2025-01-06T09:00:00Z');

  beforeAll(async () => {
    database = await createThrowawayDatabase();
    await migrateStaffDirectorySchema(database.pool);
  });

  afterAll(async () => {
    await database.drop();
  });

  beforeEach(async () => {
    await database.pool.query('TRUNCATE bleep_staff_member');
    store = createStaffDirectoryStore({ pool: database.pool, clock: () => monday });
    expect(await store.setAll([amelia, grace, zoe, rachel], 'it-admin')).toEqual({ ok: true, count: 4 });
  });

  const search = (term: string, limit = 20) => store.search({ term, limit, serverName: northgate });
  const names = async (term: string, limit?: number) =>
    (await search(term, limit)).map((member) => member.displayName);

  it('applies its schema again without complaint, even twice at once', async () => {
    await Promise.all([
      migrateStaffDirectorySchema(database.pool),
      migrateStaffDirectorySchema(database.pool),
    ]);
  });

  it('finds colleagues by name, role, department or user id, in any case, each word anywhere', async () => {
    expect(await names('amelia')).toEqual(['Dr Amelia Hart']);
    expect(await names('CARDIO')).toEqual(['Dr Amelia Hart', 'Grace Lindqvist']);
    expect(await names('ward sister')).toEqual(['Grace Lindqvist']);
    expect(await names('lindqvist:matrix')).toEqual(['Grace Lindqvist']);
    expect(await names('cardiology hart')).toEqual(['Dr Amelia Hart']);
    expect(await names('ZOË')).toEqual(['Zoë Brontë']);
    expect(await names('surgeon')).toEqual([]);
    expect(await search('amelia')).toEqual([amelia]);
  });

  it('finds nobody of another trust, even by their exact user id', async () => {
    expect(await names(rachel.userId)).toEqual([]);
    expect(await names('mensah')).toEqual([]);
    expect(
      (await store.search({ term: 'mensah', limit: 20, serverName: 'matrix.southmere.nhs.uk' })).map(
        (member) => member.userId,
      ),
    ).toEqual([rachel.userId]);
    // A server name that is a suffix of another's is not that server.
    expect(await store.search({ term: 'hart', limit: 20, serverName: 'northgate.nhs.uk' })).toEqual([]);
  });

  it('matches wildcard characters as typed, never as patterns', async () => {
    expect(await names('%')).toEqual([]);
    expect(await names('_')).toEqual([]);
    expect(await names("' OR 1=1 --")).toEqual([]);
    expect(await names('(cardiology)')).toEqual(['Grace Lindqvist']);
  });

  it('answers an empty term with nobody, and bounds the number of results', async () => {
    expect(await names('')).toEqual([]);
    expect(await names('   ')).toEqual([]);
    const many = Array.from({ length: maxStaffResults + 5 }, (_, index) => ({
      userId: `@nurse${String(index)}:${northgate}`,
      displayName: `Nurse ${String(index)}`,
      role: 'Staff Nurse',
      department: 'Bank',
    }));
    expect(await store.setAll(many, 'it-admin')).toMatchObject({ ok: true });
    expect(await search('nurse', 1000)).toHaveLength(maxStaffResults);
    expect(await search('nurse', 3)).toHaveLength(3);
    expect(await search('nurse', 0)).toHaveLength(1);
    expect(await search('nurse', Number.NaN)).toHaveLength(1);
  });

  it('replaces an entry, says whether it was new, and removes one', async () => {
    expect(await store.set({ ...grace, role: '  Matron ' }, 'j.smith')).toEqual({ ok: true, created: false });
    expect(await names('matron')).toEqual(['Grace Lindqvist']);
    expect(await names('ward sister')).toEqual([]);
    const stored = await database.pool.query<{ updated_by: string }>(
      'SELECT updated_by FROM bleep_staff_member WHERE user_id = $1',
      [grace.userId],
    );
    expect(stored.rows).toEqual([{ updated_by: 'j.smith' }]);
    expect(await store.remove(grace.userId)).toBe(true);
    expect(await store.remove(grace.userId)).toBe(false);
    expect((await store.list()).map((member) => member.userId)).toEqual([
      amelia.userId,
      rachel.userId,
      zoe.userId,
    ]);
    expect(
      await store.set(
        { userId: `@sam.patel:${northgate}`, displayName: 'Sam', role: 'R', department: 'D' },
        'x',
      ),
    ).toEqual({ ok: true, created: true });
  });

  it('refuses an entry that is no user id, empty or control-character text, or an NHS number, and imports none of a list with one', async () => {
    const refused = [
      { ...amelia, userId: 'amelia.hart' },
      { ...amelia, userId: '@Amelia:northgate' },
      { ...amelia, displayName: '  ' },
      { ...amelia, role: 'Consultant\u0000' },
      { ...amelia, department: 'x'.repeat(201) },
      { ...amelia, department: 'Ward 4 (943 476 5919)' },
    ];
    const problems = [];
    for (const member of refused) {
      const result = await store.set(member, 'it-admin');
      problems.push(result.ok ? 'accepted' : result.problem.field);
    }
    expect(problems).toEqual(['userId', 'userId', 'displayName', 'role', 'department', 'department']);
    const newcomer = { ...amelia, userId: `@newcomer:${northgate}` };
    expect(await store.setAll([newcomer, refused[0] ?? amelia], 'it-admin')).toMatchObject({
      ok: false,
      index: 1,
    });
    expect(await names('newcomer')).toEqual([]);
    expect(await search('amelia')).toEqual([amelia]);
  });
});
