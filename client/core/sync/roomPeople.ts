// A room's members as plain data, each with the name a clinician sees ("Dr Amelia Hart", not "@amelia.hart:trust-a"):
// their display name in the room from its member state, made unambiguous by the SDK when two share one. Joined and
// invited members only: whoever left is no longer someone to show in the room.
import type { Room, RoomMember as SdkRoomMember } from 'matrix-js-sdk';
import { localPartOf } from '../rooms/matrixUserId.ts';
import type { RoomMember } from '../stores/roomsSlice.ts';

/** The member's name to show: the SDK's disambiguated display name, else the user id's local part. */
export function displayNameOf(member: SdkRoomMember | null | undefined, userId: string): string {
  const name = member?.name;
  if (typeof name === 'string' && name.length > 0 && name !== userId) return name;
  return localPartOf(userId);
}

export function roomMembersOf(room: Room): RoomMember[] {
  return room
    .getMembers()
    .filter((member) => member.membership === 'join' || member.membership === 'invite')
    .map((member) => ({
      userId: member.userId,
      displayName: displayNameOf(member, member.userId),
      membership: member.membership === 'invite' ? ('invite' as const) : ('join' as const),
    }))
    .sort((a, b) => a.userId.localeCompare(b.userId));
}
