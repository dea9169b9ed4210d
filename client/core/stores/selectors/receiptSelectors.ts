// Reading delivery and read state of the clinician's own messages, as a conversation shows it under each one:
// sending, sent (the server has it), read (by some of the others), read-by-all, or failed; and who has read it.
import type { BleepState } from '../bleepStore.ts';

export type OwnMessageStatus = 'sending' | 'sent' | 'read' | 'read-by-all' | 'failed';

const nobody: readonly string[] = [];

/** Who has read this message (user ids, sorted; the same array until it changes). */
export const selectReadBy = (roomId: string, eventId: string) => (state: BleepState) =>
  state.receipts.byRoom[roomId]?.[eventId] ?? nobody;

/** How the clinician's own message stands; null for someone else's (or an id not in the timeline). */
export const selectOwnMessageStatus =
  (roomId: string, itemId: string) =>
  (state: BleepState): OwnMessageStatus | null => {
    const item = state.timeline.byRoom[roomId]?.find((candidate) => candidate.id === itemId);
    if (item === undefined || item.sendStatus === null) return null;
    if (item.sendStatus !== 'sent') return item.sendStatus;
    const readers = selectReadBy(roomId, itemId)(state).length;
    if (readers === 0) return 'sent';
    const others = (state.rooms.byId[roomId]?.joinedMembers ?? 0) - 1;
    return readers >= others ? 'read-by-all' : 'read';
  };
