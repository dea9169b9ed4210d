// Reading who people are: the name to show for a user in a room ("Dr Amelia Hart"), from the room's members (its
// member state), else from any other room they are in, else their user id's local part. A string: safe to read
// with a plain selector.
import { localPartOf } from '../../rooms/matrixUserId.ts';
import type { BleepState } from '../bleepStore.ts';
import type { RoomMember } from '../roomsSlice.ts';

export const selectDisplayName =
  (roomId: string, userId: string) =>
  (state: BleepState): string => {
    const inRoom = state.rooms.byId[roomId]?.members.find((member) => member.userId === userId);
    if (inRoom) return inRoom.displayName;
    for (const room of Object.values(state.rooms.byId)) {
      const member = room.members.find((candidate) => candidate.userId === userId);
      if (member) return member.displayName;
    }
    return localPartOf(userId);
  };

const noMembers: readonly RoomMember[] = [];

/** A room's joined and invited members, sorted by user id (the summary's own array). */
export const selectRoomMembers = (roomId: string) => (state: BleepState) =>
  state.rooms.byId[roomId]?.members ?? noMembers;
