// How a conversation is named in the list and its header: a direct conversation by the other clinician's name, a
// referral by its partner trust, everything else by the room's name; and who invited the clinician, by name.
import type { RoomSummary } from '../../core/stores/roomsSlice.ts';

export type ConversationLabel = Readonly<{
  title: string;
  /** "Direct message", "Team", "Referral". */
  kind: string;
  /** The partner trust's name for a conversation with a partner's clinician; null within the trust. */
  partner: string | null;
  invitedBy: string | null;
}>;

const kindNames: Readonly<Record<RoomSummary['kind'], string>> = {
  direct: 'Direct message',
  team: 'Team',
  referral: 'Referral',
};

export function memberName(room: RoomSummary, userId: string): string {
  return room.members.find((member) => member.userId === userId)?.displayName ?? userId;
}

/** The other members' names, for a conversation whose own name says nothing (a referral is named "Referral" only). */
function othersNamed(room: RoomSummary, ownUserId: string | null): string {
  return room.members
    .filter((member) => member.userId !== ownUserId && member.membership !== 'leave')
    .map((member) => member.displayName)
    .join(', ');
}

export function conversationLabel(room: RoomSummary, ownUserId: string | null = null): ConversationLabel {
  const others = othersNamed(room, ownUserId);
  const named = room.name.trim() === '' ? 'Conversation' : room.name;
  const title =
    room.directWith?.displayName ??
    (room.kind === 'referral' && others !== '' ? `${kindNames.referral}: ${others}` : named);
  return {
    title,
    kind: kindNames[room.kind],
    partner: room.partnerTrust?.name ?? null,
    invitedBy: room.invitedBy === null ? null : memberName(room, room.invitedBy),
  };
}
