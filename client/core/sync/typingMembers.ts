// Who else is typing in a room now, from the members' m.typing state as matrix-js-sdk keeps it.
import type { Room } from 'matrix-js-sdk';

export function typingIn(room: Room, ownUserId: string): string[] {
  return room
    .getMembers()
    .filter((member) => member.typing && member.userId !== ownUserId)
    .map((member) => member.userId)
    .sort();
}
