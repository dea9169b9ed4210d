// What the bench seeds, decided before anything is sent (pure, and the same for the same parameters): rooms with
// three members each drawn from a pool of users, and one timeline of messages across all rooms in time order. Most
// messages are dated 3.5 to 10 days ago (older than the 72-hour window), the rest within the last day; a share of
// the rooms get only old messages (nothing new happened there, so a purge must erase their latest message too).
// Sent in time order, so Synapse's stream order follows the dates as it would have had they arrived then.
import type { BenchSettings } from './benchSettings.ts';

const hour = 3_600_000;
const day = 24 * hour;

export type PlannedRoom = Readonly<{ index: number; members: readonly number[]; idle: boolean }>;
export type PlannedMessage = Readonly<{
  room: number;
  /** Index into the room's members. */
  sender: number;
  ts: number;
  /** Most are encrypted-shaped (as Bleep clients send); a few plaintext, as a partner without the gateway might. */
  plaintext: boolean;
}>;
export type SeedPlan = Readonly<{
  rooms: readonly PlannedRoom[];
  messages: readonly PlannedMessage[];
  oldCount: number;
  /** Dates of the oldest message, and the bounds of the old and new spans. */
  oldest: number;
  oldUntil: number;
  newFrom: number;
  newUntil: number;
}>;

/** mulberry32: a small seeded generator, so a plan is reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function planSeed(settings: BenchSettings, now: number, random = seededRandom(8)): SeedPlan {
  const pick = (size: number): number => Math.floor(random() * size);
  const idleRooms = Math.floor(settings.BENCH_ROOMS * settings.BENCH_IDLE_ROOM_FRACTION);
  const rooms: PlannedRoom[] = [];
  for (let index = 0; index < settings.BENCH_ROOMS; index += 1) {
    const members = new Set<number>();
    while (members.size < Math.min(3, settings.BENCH_USERS)) members.add(pick(settings.BENCH_USERS));
    rooms.push({ index, members: [...members], idle: index < idleRooms });
  }
  const oldest = now - 10 * day;
  const oldUntil = now - 3.5 * day;
  const newFrom = now - day;
  const newUntil = now - hour;
  const oldCount = Math.round(settings.BENCH_EVENTS * settings.BENCH_OLD_FRACTION);
  const activeRooms = rooms.filter((room) => !room.idle);
  const messages: PlannedMessage[] = [];
  for (let n = 0; n < settings.BENCH_EVENTS; n += 1) {
    const old = n < oldCount;
    const room = old ? rooms[pick(rooms.length)] : activeRooms[pick(activeRooms.length)];
    if (!room) throw new Error('the seed plan needs at least one room with new messages');
    messages.push({
      room: room.index,
      sender: pick(room.members.length),
      ts: Math.round(
        old ? oldest + random() * (oldUntil - oldest) : newFrom + random() * (newUntil - newFrom),
      ),
      plaintext: random() < 0.05,
    });
  }
  messages.sort((a, b) => a.ts - b.ts);
  return { rooms, messages, oldCount, oldest, oldUntil, newFrom, newUntil };
}
