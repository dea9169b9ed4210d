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

export function conversationLabel(room: RoomSummary): ConversationLabel {
  const title = room.directWith?.displayName ?? (room.name.trim() === '' ? 'Conversation' : room.name);
  return {
    title,
    kind: kindNames[room.kind],
    partner: room.partnerTrust?.name ?? null,
    invitedBy: room.invitedBy === null ? null : memberName(room, room.invitedBy),
  };
}
