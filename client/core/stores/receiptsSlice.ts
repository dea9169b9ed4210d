// The receipts slice: per room, who has read each of the clinician's own messages (user ids, sorted), from the
// members' read receipts (sync/readReceipts.ts). Written with each sync batch; an unchanged list keeps its array, so
// a view reading one message's readers re-renders only when they change.
import type { StateCreator } from 'zustand/vanilla';
import type { BleepState } from './bleepStore.ts';

export type RoomReadReceipts = Readonly<{
  roomId: string;
  readBy: Readonly<Record<string, readonly string[]>>;
}>;

export type ReceiptsState = Readonly<{
  byRoom: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}>;

export type ReceiptsSlice = Readonly<{ receipts: ReceiptsState }>;

export const initialReceipts: ReceiptsState = { byRoom: {} };

const sameReaders = (a: readonly string[] | undefined, b: readonly string[]) =>
  a !== undefined && a.length === b.length && a.every((userId, index) => userId === b[index]);

/** The receipts with these rooms' readers laid over them (a message not in a change keeps its readers). */
export function withReadReceipts(
  receipts: ReceiptsState,
  changes: readonly RoomReadReceipts[],
): ReceiptsState {
  let byRoom = receipts.byRoom;
  for (const { roomId, readBy } of changes) {
    const known = byRoom[roomId] ?? {};
    const changed = Object.entries(readBy).filter(
      ([eventId, readers]) => !sameReaders(known[eventId], readers),
    );
    if (changed.length === 0) continue;
    byRoom = { ...byRoom, [roomId]: { ...known, ...Object.fromEntries(changed) } };
  }
  return byRoom === receipts.byRoom ? receipts : { byRoom };
}

export const createReceiptsSlice: StateCreator<BleepState, [], [], ReceiptsSlice> = () => ({
  receipts: initialReceipts,
});
