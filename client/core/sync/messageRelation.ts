// A matrix-js-sdk MatrixEvent read as a relation to a message, as plain data: an edit (m.replace, its
// m.new_content), a reaction (m.annotation) or a redaction; undefined for anything else. Only the server's copy
// counts (an event id, not a local echo), and an encrypted edit only once it has decrypted.
import { EventStatus, EventTimeline, type MatrixEvent, type Room } from 'matrix-js-sdk';
import type { MessageRelation } from '../stores/timelineSlice.ts';

const archivedTypes: ReadonlySet<string> = new Set(['m.room.message', 'm.room.encrypted', 'm.reaction']);

/** Whether the room's power levels let this user redact other people's events (a moderator). */
function mayRedactOthers(room: Room | null, userId: string): boolean {
  const member = room?.getMember(userId);
  const state = room?.getLiveTimeline().getState(EventTimeline.FORWARDS);
  return member !== null && member !== undefined && state !== undefined
    ? state.hasSufficientPowerLevelFor('redact', member.powerLevel)
    : false;
}

function isRedactedBecause(
  value: unknown,
): value is { event_id: string; sender: string; origin_server_ts: number } {
  if (typeof value !== 'object' || value === null) return false;
  const because = value as Record<string, unknown>;
  return (
    typeof because.event_id === 'string' &&
    typeof because.sender === 'string' &&
    typeof because.origin_server_ts === 'number'
  );
}

export function messageRelationFor(event: MatrixEvent, room: Room | null): MessageRelation | undefined {
  const roomId = event.getRoomId();
  const id = event.getId();
  const sender = event.getSender();
  if (roomId === undefined || id === undefined || sender === undefined) return undefined;
  if (event.status !== null && event.status !== EventStatus.SENT) return undefined;
  if (!id.startsWith('$')) return undefined;

  if (event.isRedacted()) {
    // The server sent the event already redacted (the redaction itself may be outside what sync brought): it has
    // applied the redaction, so this desktop erases its copy too. Only for what the archive may hold.
    if (!archivedTypes.has(event.getWireType())) return undefined;
    const because = event.getUnsigned().redacted_because;
    if (!isRedactedBecause(because)) return undefined;
    return {
      kind: 'redaction',
      id: because.event_id,
      roomId,
      sender: because.sender,
      sentAt: because.origin_server_ts,
      targetId: id,
      senderMayRedactOthers: true,
    };
  }
  if (event.isRedaction()) {
    const targetId = event.getAssociatedId();
    if (targetId === undefined) return undefined;
    const base = { id, roomId, sender, sentAt: event.getTs(), targetId };
    return { kind: 'redaction', ...base, senderMayRedactOthers: mayRedactOthers(room, sender) };
  }
  if (event.isEncrypted() && (event.isDecryptionFailure() || event.getType() === 'm.room.encrypted')) {
    return undefined;
  }
  const relation = event.getRelation();
  const targetId = relation?.event_id;
  if (typeof targetId !== 'string') return undefined;
  const base = { id, roomId, sender, sentAt: event.getTs(), targetId };
  if (event.getType() === 'm.reaction' && relation?.rel_type === 'm.annotation') {
    return typeof relation.key === 'string' ? { kind: 'reaction', ...base, key: relation.key } : undefined;
  }
  if (event.getType() === 'm.room.message' && relation?.rel_type === 'm.replace') {
    const replacement: unknown = event.getOriginalContent()['m.new_content'];
    if (typeof replacement !== 'object' || replacement === null) return undefined;
    const { body, msgtype } = replacement as Record<string, unknown>;
    if (typeof body !== 'string') return undefined;
    return { kind: 'edit', ...base, msgtype: typeof msgtype === 'string' ? msgtype : null, body };
  }
  return undefined;
}
