// The rooms slice: one plain summary per room the clinician is in or invited to, keyed by room id. The sync writer
// replaces a room's summary whole whenever anything about the room changed.
import type { StateCreator } from 'zustand/vanilla';
import type { BleepState } from './bleepStore.ts';

export type RoomMembership = 'join' | 'invite' | 'leave' | 'ban' | 'knock';

/**
 * direct: a conversation with one other clinician (the room is in this clinician's m.direct, or was offered as one);
 * referral: not direct, with members from another trust (a partner); team: everything else.
 */
export type RoomKind = 'direct' | 'team' | 'referral';

/** A partner trust in a room: its server name, and its name as the trust policy gives it (else the server name). */
export type PartnerTrust = Readonly<{ serverName: string; name: string }>;

/** A member of a room (joined or invited), with the name to show for them (their display name in the room). */
export type RoomMember = Readonly<{ userId: string; displayName: string; membership: RoomMembership }>;

/**
 * What a referral room is about, from its referral message once decrypted (rooms/referralContent.ts): never from
 * room state, which every server reads in the clear.
 */
export type RoomReferral = Readonly<{
  nhsNumber: string;
  reason: string;
  referredBy: string;
  referredAt: number;
}>;

export type RoomSummary = Readonly<{
  roomId: string;
  name: string;
  kind: RoomKind;
  /** The first partner trust among the members (referral rooms; also a direct room with a partner's clinician). */
  partnerTrust: PartnerTrust | null;
  /** For a direct room: the other clinician. */
  directWith: Readonly<{ userId: string; displayName: string }> | null;
  /** Joined and invited members, this clinician included, by user id. */
  members: readonly RoomMember[];
  /** An urgent message from someone else arrived after this clinician's read receipt. */
  urgentUnread: boolean;
  /** For a referral room once its referral message has decrypted here: the patient and the reason. */
  referral: RoomReferral | null;
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
  for (const summary of summaries) {
    // The referral is read from the timeline, not from the SDK's room: a new summary keeps the one already found.
    const known = rooms.byId[summary.roomId]?.referral ?? null;
    byId.set(
      summary.roomId,
      summary.referral === null && known !== null ? { ...summary, referral: known } : summary,
    );
  }
  for (const roomId of removed) byId.delete(roomId);
  return { byId: Object.fromEntries(byId) };
}

export const createRoomsSlice: StateCreator<BleepState, [], [], RoomsSlice> = () => ({ rooms: initialRooms });
