// What one room's purge must do, read from Synapse's database: where the history purge can go up to, how many
// events it will delete, and which old events it cannot reach. Synapse's purge deletes the room's non-state events
// whose depth is below the event it is given, and never the room's latest events (its forward extremities), which
// new events must point to; so the purge point is the first new event (nothing new is below it), or, in a room
// where nothing new happened, its latest event. Old events at or above that point
// are "stuck": the purge cannot take them, so the run erases their content instead (see purgeRoom.ts).
// "Old" is by both clocks (eventTime.ts): received before the cutoff, or sent before it.
import type { Pool, PoolClient } from 'pg';
import { contentHeldSql } from './contentHeld.ts';
import { eventTimeSql } from './eventTime.ts';

export type Queryable = Pick<Pool | PoolClient, 'query'>;

export type EventRef = Readonly<{ eventId: string; depth: number }>;
export type StuckEvent = Readonly<{ eventId: string; sender: string; depth: number }>;

export type RoomPlan = Readonly<{
  roomId: string;
  /** The event the history purge goes up to (that event and later ones stay); null in a room with no events. */
  purgePoint: EventRef | null;
  /** Nothing new happened since the cutoff: the purge point is the room's latest event, itself old. */
  idle: boolean;
  /** Non-state events below the purge point, which the purge deletes. */
  purgeable: number;
  /** Old events holding content at or above the purge point, not yet redacted. */
  stuck: readonly StuckEvent[];
}>;

/** Every room Synapse knows, joined or left: a room the server has left still holds what it received. */
export async function listRooms(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ room_id: string }>('SELECT room_id FROM rooms ORDER BY room_id');
  return rows.map((row) => row.room_id);
}

type EventRow = { event_id: string; depth: string };

function eventRef(row: EventRow | undefined): EventRef | null {
  return row ? { eventId: row.event_id, depth: Number(row.depth) } : null;
}

// The first message (non-state event) that is new by both clocks: received since the cutoff and sent since it. State
// events are kept by the purge whatever their age (the room's structure), so a room created today around messages
// dated days ago (backdated, or backfilled) still has those messages below its point. Depth follows the order
// events were sent in, not received: an event backfilled today from a partner's history was received now but sent
// long ago, and must not hold the purge point down (everything above it would be stuck). An event a partner claims
// it sent long ago is purged earlier than its arrival would require; that is allowed, holding it longer is not.
// Outliers are not in the room's timeline (fetched for auth chains or invites) and have no usable depth.
const firstNewEvent = `
  SELECT event_id, topological_ordering AS depth FROM events
  WHERE room_id = $1 AND NOT outlier AND ${eventTimeSql('events')} >= $2
    AND NOT EXISTS (SELECT 1 FROM state_events s WHERE s.event_id = events.event_id)
  ORDER BY topological_ordering, stream_ordering LIMIT 1`;

const latestEvent = `
  SELECT event_id, topological_ordering AS depth FROM events
  WHERE room_id = $1 AND NOT outlier
  ORDER BY topological_ordering DESC, stream_ordering DESC LIMIT 1`;

// Synapse's purge keeps state events (it marks them outliers): the room's state is its structure. All else below
// the point goes, outliers included (purge_events.py: "NOT outlier OR should_delete").
const purgeableBelow = `
  SELECT count(*) AS count FROM events e
  WHERE e.room_id = $1 AND e.topological_ordering < $2
    AND NOT EXISTS (SELECT 1 FROM state_events s WHERE s.event_id = e.event_id)`;

const stuckFrom = `
  SELECT e.event_id, e.sender, e.topological_ordering AS depth
  FROM events e JOIN event_json j ON j.event_id = e.event_id
  WHERE e.room_id = $1 AND ${eventTimeSql('e')} < $2 AND e.topological_ordering >= $3
    AND NOT EXISTS (SELECT 1 FROM state_events s WHERE s.event_id = e.event_id)
    AND NOT EXISTS (SELECT 1 FROM redactions r WHERE r.redacts = e.event_id)
    AND ${contentHeldSql('j.json')}
  ORDER BY e.topological_ordering, e.stream_ordering`;

/** Non-state events below `depth`: what a purge up to an event at that depth deletes. */
export async function countPurgeableBelow(db: Queryable, roomId: string, depth: number): Promise<number> {
  const { rows } = await db.query<{ count: string }>(purgeableBelow, [roomId, depth]);
  return Number(rows[0]?.count ?? 0);
}

export async function readRoomPlan(db: Queryable, roomId: string, cutoff: Date): Promise<RoomPlan> {
  const cutoffMs = cutoff.getTime();
  const first = eventRef((await db.query<EventRow>(firstNewEvent, [roomId, cutoffMs])).rows[0]);
  const purgePoint = first ?? eventRef((await db.query<EventRow>(latestEvent, [roomId])).rows[0]);
  if (!purgePoint) return { roomId, purgePoint: null, idle: true, purgeable: 0, stuck: [] };
  const purgeable = await countPurgeableBelow(db, roomId, purgePoint.depth);
  const stuck = await db.query<{ event_id: string; sender: string; depth: string }>(stuckFrom, [
    roomId,
    cutoffMs,
    purgePoint.depth,
  ]);
  return {
    roomId,
    purgePoint,
    idle: first === null,
    purgeable,
    stuck: stuck.rows.map((row) => ({ eventId: row.event_id, sender: row.sender, depth: Number(row.depth) })),
  };
}

/**
 * The newest old event holding content sent by one of `members`: in a room whose latest event is a partner's,
 * a local member may always redact their own, and that redaction becomes the room's new latest event.
 */
export async function newestOwnOldEvent(
  db: Queryable,
  roomId: string,
  cutoff: Date,
  members: readonly string[],
): Promise<StuckEvent | undefined> {
  if (members.length === 0) return undefined;
  const { rows } = await db.query<{ event_id: string; sender: string; depth: string }>(
    `SELECT e.event_id, e.sender, e.topological_ordering AS depth
     FROM events e JOIN event_json j ON j.event_id = e.event_id
     WHERE e.room_id = $1 AND ${eventTimeSql('e')} < $2 AND e.sender = ANY($3::text[])
       AND NOT EXISTS (SELECT 1 FROM state_events s WHERE s.event_id = e.event_id)
       AND ${contentHeldSql('j.json')}
     ORDER BY e.topological_ordering DESC, e.stream_ordering DESC LIMIT 1`,
    [roomId, cutoff.getTime(), members],
  );
  const row = rows[0];
  return row ? { eventId: row.event_id, sender: row.sender, depth: Number(row.depth) } : undefined;
}
