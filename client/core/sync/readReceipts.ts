// Who has read each of the clinician's own messages, from the read receipts matrix-js-sdk holds for the room: the
// joined members (not the clinician) whose receipt is at the message or after it (sending a later message counts,
// as the SDK reads it). Only the newest events of the room's live timeline are read: receipts move forward, and an
// older message keeps the readers the store already has for it.
import type { Room } from 'matrix-js-sdk';
import type { RoomReadReceipts } from '../stores/receiptsSlice.ts';

/** How far back in the live timeline own messages are looked at. */
const recentEvents = 50;

export function readReceiptsOf(room: Room, ownUserId: string): RoomReadReceipts {
  const others = room
    .getJoinedMembers()
    .map((member) => member.userId)
    .filter((userId) => userId !== ownUserId)
    .sort();
  const readBy: Record<string, readonly string[]> = {};
  for (const event of room.getLiveTimeline().getEvents().slice(-recentEvents)) {
    const id = event.getId();
    if (id === undefined || !id.startsWith('$') || event.getSender() !== ownUserId) continue;
    readBy[id] = others.filter((userId) => room.hasUserReadEvent(userId, id));
  }
  return { roomId: room.roomId, readBy };
}
