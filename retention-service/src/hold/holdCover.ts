// Which rooms a legal hold covers, read from Synapse's database: a room hold covers its room; a user hold covers
// every room the user is or was a member of (room_memberships keeps every membership event's row, joined, left,
// invited or banned, for local and partner users alike, and the history purge keeps state events). A user is held
// room by room because Synapse's history purge works per room, up to an event: there is no purging "everything
// but one sender's messages", so keeping a user's messages means keeping the rooms they wrote in whole.
import type { Queryable } from '../purge/roomPlan.ts';

export async function roomExists(synapseDb: Queryable, roomId: string): Promise<boolean> {
  const { rowCount } = await synapseDb.query('SELECT 1 FROM rooms WHERE room_id = $1', [roomId]);
  return (rowCount ?? 0) > 0;
}

/** Every room each user is or was a member of, by user. */
export async function roomsOfUsers(
  synapseDb: Queryable,
  userIds: readonly string[],
): Promise<Map<string, string[]>> {
  const rooms = new Map<string, string[]>(userIds.map((userId) => [userId, []]));
  if (userIds.length === 0) return rooms;
  const { rows } = await synapseDb.query<{ user_id: string; room_id: string }>(
    `SELECT DISTINCT user_id, room_id FROM room_memberships WHERE user_id = ANY($1::text[])
     ORDER BY user_id, room_id`,
    [userIds],
  );
  for (const row of rows) rooms.get(row.user_id)?.push(row.room_id);
  return rooms;
}

/** Of `userIds`, those who are or were members of the room. */
export async function membersAmong(
  synapseDb: Queryable,
  roomId: string,
  userIds: readonly string[],
): Promise<string[]> {
  if (userIds.length === 0) return [];
  const { rows } = await synapseDb.query<{ user_id: string }>(
    `SELECT DISTINCT user_id FROM room_memberships WHERE room_id = $1 AND user_id = ANY($2::text[])
     ORDER BY user_id`,
    [roomId, userIds],
  );
  return rows.map((row) => row.user_id);
}
