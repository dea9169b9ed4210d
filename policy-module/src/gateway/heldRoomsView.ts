// Which rooms are under legal hold, read from Bleep's database through the one view the gateway may read
// (bleep_legal_held_room: room ids only, not which hold, whose or why). The retention service makes the view and
// keeps what it lists (`bleep-retention migrate --gateway-role`); the gateway asks only about rooms it already knows
// the caller is in, so it never learns, or tells, more.
import type { Pool } from 'pg';

/** The view's name; retention-service's migration makes it under this name (a unit test there checks). */
export const heldRoomView = 'bleep_legal_held_room';

/** Of `roomIds`, those under legal hold, sorted. */
export type HeldRoomsView = (roomIds: readonly string[]) => Promise<string[]>;

export function createHeldRoomsView(pool: Pick<Pool, 'query'>): HeldRoomsView {
  return async (roomIds) => {
    if (roomIds.length === 0) return [];
    const { rows } = await pool.query<{ room_id: string }>(
      `SELECT room_id FROM ${heldRoomView} WHERE room_id = ANY($1::text[]) ORDER BY room_id`,
      [roomIds],
    );
    return rows.map((row) => row.room_id);
  };
}
