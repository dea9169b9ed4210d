// Reading the rooms slice. The lists are new arrays on every call: read them with zustand's useShallow.
import type { BleepState } from '../bleepStore.ts';
import type { RoomSummary } from '../roomsSlice.ts';

const byLatestActivity = (a: RoomSummary, b: RoomSummary) =>
  (b.lastActivityAt ?? 0) - (a.lastActivityAt ?? 0) || a.roomId.localeCompare(b.roomId);

export const selectRoom = (roomId: string) => (state: BleepState) => state.rooms.byId[roomId];

/** Rooms the clinician has joined, the most recently active first. */
export const selectJoinedRooms = (state: BleepState): RoomSummary[] =>
  Object.values(state.rooms.byId)
    .filter((room) => room.membership === 'join')
    .sort(byLatestActivity);

/** Invitations waiting for an answer, the newest first. */
export const selectInvitations = (state: BleepState): RoomSummary[] =>
  Object.values(state.rooms.byId)
    .filter((room) => room.membership === 'invite')
    .sort(byLatestActivity);

export const selectUnreadTotal = (state: BleepState): number =>
  Object.values(state.rooms.byId).reduce(
    (total, room) => total + (room.membership === 'join' ? room.unreadCount : 0),
    0,
  );
