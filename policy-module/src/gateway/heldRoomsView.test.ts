// The held-room view as the gateway reads it, against real PostgreSQL (throwaway databases). The view itself is
// the retention service's (its migration and its own test); here a stand-in under the same name lists held room
// ids, which is all the gateway may see of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';
import { createHeldRoomsView, heldRoomView } from './heldRoomsView.ts';

describe('held rooms, read from the view the retention service keeps', () => {
  let database: ThrowawayDatabase;
  /** A database the retention service's migration has not reached yet: no view. */
  let unmigrated: ThrowawayDatabase;

  beforeAll(async () => {
    [database, unmigrated] = await Promise.all([createThrowawayDatabase(), createThrowawayDatabase()]);
    await database.pool.query(
      `CREATE VIEW ${heldRoomView} AS
         SELECT room_id FROM (VALUES ('!ward7:northgate.nhs.uk'), ('!icu:northgate.nhs.uk'),
                                     ('!inquiry:northgate.nhs.uk')) AS held (room_id)`,
    );
  });

  afterAll(async () => {
    await Promise.all([database.drop(), unmigrated.drop()]);
  });

  it('lists, sorted, the held rooms among those asked about, and no other', async () => {
    const heldRooms = createHeldRoomsView(database.pool);
    expect(
      await heldRooms(['!ward7:northgate.nhs.uk', '!cardio:northgate.nhs.uk', '!icu:northgate.nhs.uk']),
    ).toEqual(['!icu:northgate.nhs.uk', '!ward7:northgate.nhs.uk']);
    expect(await heldRooms(['!cardio:northgate.nhs.uk'])).toEqual([]);
  });

  it('reads a room id as data, never as SQL', async () => {
    const heldRooms = createHeldRoomsView(database.pool);
    expect(await heldRooms(["!x' OR true --:northgate.nhs.uk", '!ward7:northgate.nhs.uk'])).toEqual([
      '!ward7:northgate.nhs.uk',
    ]);
  });

  it('fails, for the route to answer "keep everything", when the view is not there', async () => {
    await expect(createHeldRoomsView(unmigrated.pool)(['!ward7:northgate.nhs.uk'])).rejects.toMatchObject({
      code: '42P01',
    });
  });

  it('answers a caller in no rooms without asking the database: none of their rooms can be held', async () => {
    expect(await createHeldRoomsView(unmigrated.pool)([])).toEqual([]);
  });
});
