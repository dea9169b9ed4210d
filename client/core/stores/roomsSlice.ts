// The rooms slice: one plain summary per room the clinician is in or invited to, keyed by room id. The sync writer
// replaces a room's summary whole whenever anything about the room changed.
import type { StateCreator } from 'zustand/vanilla';
import type { BleepState } from './bleepStore.ts';

export type RoomMembership = 'join' | 'invite' | 'leave' | 'ban' | 'knock';

export type RoomSummary = Readonly<{
  roomId: string;
  name: string;
  membership: RoomMembership;
  encrypted: boolean;
  joinedMembers: number;
  invitedMembers: number;
  /** Milliseconds since the epoch of the room's latest event, null before any is known. */
  lastActivityAt: number | null;
  unreadCount: number;
  /** Who invited this clinician, while the room is an invitation. */
  invitedBy: string | null;
}>;

export type RoomsState = Readonly<{ byId: Readonly<Record<string, RoomSummary>> }>;

export type RoomsSlice = Readonly<{ rooms: RoomsState }>;

export const initialRooms: RoomsState = { byId: {} };

/** The rooms after these summaries (each replaces the room's previous one) and removals. */
export function withRoomChanges(
  rooms: RoomsState,
  summaries: readonly RoomSummary[],
  removed: readonly string[] = [],
): RoomsState {
  if (summaries.length === 0 && removed.length === 0) return rooms;
  const byId = new Map(Object.entries(rooms.byId));
  for (const summary of summaries) byId.set(summary.roomId, summary);
  for (const roomId of removed) byId.delete(roomId);
  return { byId: Object.fromEntries(byId) };
}

export const createRoomsSlice: StateCreator<BleepState, [], [], RoomsSlice> = () => ({ rooms: initialRooms });
