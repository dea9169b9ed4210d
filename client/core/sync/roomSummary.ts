// A matrix-js-sdk Room read into the rooms slice's plain summary: the only place the store's room data comes from.
import { NotificationCountType, type Room } from 'matrix-js-sdk';
import type { RoomMembership, RoomSummary } from '../stores/roomsSlice.ts';

const memberships: readonly string[] = ['join', 'invite', 'leave', 'ban', 'knock'];

export function summariseRoom(room: Room, ownUserId: string): RoomSummary {
  const own = room.getMyMembership();
  const membership: RoomMembership = memberships.includes(own) ? (own as RoomMembership) : 'leave';
  const lastActivity = room.getLastActiveTimestamp();
  return {
    roomId: room.roomId,
    name: room.name,
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
