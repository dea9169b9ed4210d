// Which local media a legal hold keeps, as SQL over a local_media_repository row. Two reasons to keep an item:
// - a held room's events name it (an mxc:// URL in the stored JSON: a partner's plaintext attachment, a room avatar);
// - it was uploaded by a held user, or by a local member of a held room since they first joined it. Bleep's rooms
//   are end-to-end encrypted, so an attachment's URL is inside the ciphertext and the server cannot tell which room
//   an upload belongs to; keeping what a held room's members uploaded since joining it is the only way the server
//   can keep a held room's attachments. It keeps more than the room's (their uploads to other rooms too), for as long
//   as the hold lasts: a hold errs on keeping. The purge and the proof both use this, so they agree.

/** What legal holds keep, as the purge and the proof take it: the held rooms and the held users. */
export type HeldScope = Readonly<{ rooms: readonly string[]; users: readonly string[] }>;

export const nothingHeld: HeldScope = { rooms: [], users: [] };

/**
 * SQL: true when local media row `m` is held. `$serverParam` is the server name, `$roomsParam` the held room ids
 * (text[]), `$usersParam` the held users (text[]).
 */
export function heldMediaSql(serverParam: string, roomsParam: string, usersParam: string): string {
  return `(EXISTS (
      SELECT 1 FROM event_json j, regexp_matches(j.json, 'mxc://([^/"]+)/([A-Za-z0-9_-]+)', 'g') AS ref
      WHERE j.room_id = ANY(${roomsParam}::text[]) AND ref[1] = ${serverParam} AND ref[2] = m.media_id)
    OR m.user_id = ANY(${usersParam}::text[])
    OR EXISTS (
      SELECT 1 FROM room_memberships rm JOIN events e ON e.event_id = rm.event_id
      WHERE rm.room_id = ANY(${roomsParam}::text[]) AND rm.user_id = m.user_id
        AND e.received_ts <= m.created_ts))`;
}
