// Who among a room's local members may erase an event, read from the room's current state. The service acts in a
// room only as one of the trust's own joined members (Synapse refuses anyone else): the event's own sender, who may
// always redact their own event, or a member whose power level reaches the room's `redact` level.
import type { Queryable } from './roomPlan.ts';

export type RoomAuthority = Readonly<{
  /** Local users joined to the room now. */
  joined: readonly string[];
  powerOf: (userId: string) => number;
  redactLevel: number;
}>;

type PowerLevels = Readonly<{ users?: unknown; users_default?: unknown; redact?: unknown }>;

export type RoomCreation = Readonly<{
  creators: readonly string[];
  /** Room versions 12 and later: creators outrank everyone and are not listed in m.room.power_levels. */
  creatorsUnlimited: boolean;
}>;

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

const creatorsOutrankEveryone = new Set(['12', 'org.matrix.hydra.11']);

export function roomAuthority(
  joined: readonly string[],
  powerLevels: PowerLevels | undefined,
  creation: RoomCreation,
): RoomAuthority {
  const users =
    powerLevels?.users && typeof powerLevels.users === 'object'
      ? (powerLevels.users as Readonly<Record<string, unknown>>)
      : {};
  const usersDefault = numberOr(powerLevels?.users_default, 0);
  return {
    joined,
    powerOf: (userId) => {
      if (creation.creatorsUnlimited && creation.creators.includes(userId)) return Number.POSITIVE_INFINITY;
      // Without a power levels event the spec gives the creator 100 and everyone else 0.
      if (!powerLevels) return creation.creators.includes(userId) ? 100 : 0;
      return numberOr(users[userId], usersDefault);
    },
    redactLevel: numberOr(powerLevels?.redact, 50),
  };
}

/** The local member to act as when erasing `event`, or undefined when no local member may. */
export function chooseRedactor(
  authority: RoomAuthority,
  event: Readonly<{ sender: string }>,
): string | undefined {
  if (authority.joined.includes(event.sender)) return event.sender;
  const able = authority.joined
    .filter((userId) => authority.powerOf(userId) >= authority.redactLevel)
    .sort((a, b) => authority.powerOf(b) - authority.powerOf(a));
  return able[0];
}

export async function readRoomAuthority(db: Queryable, roomId: string): Promise<RoomAuthority> {
  const joined = await db.query<{ user_id: string }>(
    `SELECT user_id FROM local_current_membership WHERE room_id = $1 AND membership = 'join' ORDER BY user_id`,
    [roomId],
  );
  const state = await db.query<{ type: string; json: string; room_version: string | null }>(
    `SELECT c.type, j.json, r.room_version FROM current_state_events c
     JOIN event_json j ON j.event_id = c.event_id
     LEFT JOIN rooms r ON r.room_id = c.room_id
     WHERE c.room_id = $1 AND c.state_key = '' AND c.type IN ('m.room.power_levels', 'm.room.create')`,
    [roomId],
  );
  let powerLevels: PowerLevels | undefined;
  const creators: string[] = [];
  let creatorsUnlimited = false;
  for (const row of state.rows) {
    const event = JSON.parse(row.json) as { sender?: unknown; content?: Record<string, unknown> };
    if (row.type === 'm.room.power_levels') powerLevels = event.content ?? {};
    if (row.type === 'm.room.create') {
      creatorsUnlimited = creatorsOutrankEveryone.has(row.room_version ?? '');
      if (typeof event.sender === 'string') creators.push(event.sender);
      const additional = event.content?.additional_creators;
      if (creatorsUnlimited && Array.isArray(additional)) {
        creators.push(...additional.filter((user): user is string => typeof user === 'string'));
      }
    }
  }
  return roomAuthority(
    joined.rows.map((row) => row.user_id),
    powerLevels,
    { creators, creatorsUnlimited },
  );
}
