// A matrix-js-sdk Room read into the rooms slice's plain summary: the only place the store's room data comes from
// (but a referral's patient and reason, which only its decrypted message holds: stores/roomReferral.ts).
import { NotificationCountType, type Room } from 'matrix-js-sdk';
import type { RoomMembership, RoomSummary } from '../stores/roomsSlice.ts';
import type { TrustPolicyView } from '../trust/trustPolicy.ts';
import { offeredAsDirect, partnerTrustIn, roomKindOf } from './roomKind.ts';
import { roomMembersOf } from './roomPeople.ts';
import { hasUnreadUrgent } from './urgentUnread.ts';

const memberships: readonly string[] = ['join', 'invite', 'leave', 'ban', 'knock'];

/** What the summary reads besides the room: the trust's policy (partner names) and the clinician's direct rooms. */
export type SummaryContext = Readonly<{ policy: TrustPolicyView | null; directRoomIds: ReadonlySet<string> }>;

export function summariseRoom(room: Room, ownUserId: string, context: SummaryContext): RoomSummary {
  const own = room.getMyMembership();
  const membership: RoomMembership = memberships.includes(own) ? (own as RoomMembership) : 'leave';
  const lastActivity = room.getLastActiveTimestamp();
  const members = roomMembersOf(room);
  const partnerTrust = partnerTrustIn(members, ownUserId, context.policy);
  const direct = context.directRoomIds.has(room.roomId) || offeredAsDirect(room, ownUserId);
  const kind = roomKindOf(direct, members, partnerTrust);
  const other = kind === 'direct' ? members.find((member) => member.userId !== ownUserId) : undefined;
  return {
    roomId: room.roomId,
    name: room.name,
    kind,
    partnerTrust,
    directWith: other ? { userId: other.userId, displayName: other.displayName } : null,
    members,
    urgentUnread: membership === 'join' && hasUnreadUrgent(room, ownUserId),
    referral: null,
    membership,
    encrypted: room.hasEncryptionStateEvent(),
    joinedMembers: room.getJoinedMemberCount(),
    invitedMembers: room.getInvitedMemberCount(),
    lastActivityAt: lastActivity > 0 ? lastActivity : null,
    unreadCount: room.getUnreadNotificationCount(NotificationCountType.Total),
    invitedBy:
      membership === 'invite' ? (room.getMember(ownUserId)?.events.member?.getSender() ?? null) : null,
  };
}
