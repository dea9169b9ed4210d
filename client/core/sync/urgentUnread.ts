// Whether a room holds an urgent message from someone else that this clinician has not read: one after their read
// receipt in the room's live timeline, flagged urgent inside its decrypted content (rooms/urgentFlag.ts).
import type { Room } from 'matrix-js-sdk';
import { isUrgentContent } from '../rooms/urgentFlag.ts';

export function hasUnreadUrgent(room: Room, ownUserId: string): boolean {
  const events = room.getLiveTimeline().getEvents();
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index];
    if (event === undefined) continue;
    const id = event.getId();
    if (id !== undefined && room.hasUserReadEvent(ownUserId, id)) return false;
    if (event.getSender() === ownUserId) continue;
    if (
      event.isEncrypted() &&
      event.getType() === 'm.room.message' &&
      isUrgentContent(event.getOriginalContent())
    )
      return true;
  }
  return false;
}
