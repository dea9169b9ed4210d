// Against real PostgreSQL (a throwaway database, and a throwaway role with the gateway's grants): the accepted
// directory's high-water mark only ever goes up, whatever SQL the gateway's role sends. Each test starts with no
// mark.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrateBleepSchema } from '../database/bleepSchema.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';
import {
  createThrowawayServiceRole,
  type ThrowawayServiceRole,
} from '../database/throwawayServiceRole.testkit.ts';
import { truncateAsOwner } from '../database/truncateAsOwner.testkit.ts';
import {
  migrateAcceptedDirectorySchema,
  readNewestAcceptedIssuedAt,
  recordAcceptedIssuedAt,
} from './acceptedDirectory.ts';

describe('the accepted directory mark', () => {
  let database: ThrowawayDatabase;
  let gateway: ThrowawayServiceRole;

  beforeAll(async () => {
    database = await createThrowawayDatabase('bleep_directory_mark_test');
    await migrateBleepSchema(database.pool);
    // Applying it again (a second deploy) changes nothing.
    await migrateAcceptedDirectorySchema(database.pool);
    gateway = await createThrowawayServiceRole(database);
  });

  afterAll(async () => {
    await gateway.drop();
    await database.drop();
  });

  beforeEach(async () => {
    await truncateAsOwner(database.pool, ['bleep_accepted_directory']);
  });

  it("rises as the gateway's role records newer directories, and an older one leaves it where it is", async () => {
    expect(await readNewestAcceptedIssuedAt(gateway.pool)).toBeUndefined();
    await recordAcceptedIssuedAt(gateway.pool, '2026-11-01T00:00:00.000Z');
    await recordAcceptedIssuedAt(gateway.pool, '2026-11-20T00:00:00.000Z');
    await recordAcceptedIssuedAt(gateway.pool, '2026-11-10T00:00:00.000Z');
    // The same directory again, as every periodic reload records it.
    await recordAcceptedIssuedAt(gateway.pool, '2026-11-20T00:00:00.000Z');
    expect(await readNewestAcceptedIssuedAt(gateway.pool)).toBe('2026-11-20T00:00:00.000Z');
  });

  it("refuses the gateway's role lowering the mark by hand, which would let a rolled-back directory in", async () => {
    await recordAcceptedIssuedAt(gateway.pool, '2026-11-20T00:00:00.000Z');
    await expect(
      gateway.pool.query("UPDATE bleep_accepted_directory SET newest_issued_at = '2020-01-01T00:00:00Z'"),
    ).rejects.toThrow(/only goes up/);
    await expect(
      gateway.pool.query(
        `INSERT INTO bleep_accepted_directory (newest_issued_at) VALUES ('2020-01-01T00:00:00Z')
         ON CONFLICT (singleton) DO UPDATE SET newest_issued_at = EXCLUDED.newest_issued_at`,
      ),
    ).rejects.toThrow(/only goes up/);
    expect(await readNewestAcceptedIssuedAt(gateway.pool)).toBe('2026-11-20T00:00:00.000Z');
  });

  it("refuses the gateway's role, and the owner through ordinary SQL, deleting or truncating the mark", async () => {
    await recordAcceptedIssuedAt(gateway.pool, '2026-11-20T00:00:00.000Z');
    await expect(gateway.pool.query('DELETE FROM bleep_accepted_directory')).rejects.toMatchObject({
      code: '42501',
    });
    await expect(gateway.pool.query('TRUNCATE bleep_accepted_directory')).rejects.toMatchObject({
      code: '42501',
    });
    await expect(database.pool.query('DELETE FROM bleep_accepted_directory')).rejects.toThrow(
      /DELETE refused/,
    );
    await expect(database.pool.query('TRUNCATE bleep_accepted_directory')).rejects.toThrow(
      /TRUNCATE refused/,
    );
    expect(await readNewestAcceptedIssuedAt(gateway.pool)).toBe('2026-11-20T00:00:00.000Z');
  });
});
