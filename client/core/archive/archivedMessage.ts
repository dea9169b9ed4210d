// What the archive keeps of a message: the decrypted text and who sent it where and when, as plain data. Only
// messages the server has (an event id, not a local echo still sending) and that are readable here are kept: a
// placeholder for an event that has not decrypted yet is not a message, and its decryption arrives as an update.
import type { TimelineChange, TimelineItem } from '../stores/timelineSlice.ts';

export type ArchivedMessage = Readonly<{
  eventId: string;
  roomId: string;
  sender: string;
  /** The sender's server's clock (origin_server_ts): the 90-day rule runs from here. */
  sentAt: number;
  msgtype: string | null;
  body: string;
  /** Whether it travelled encrypted (a partner's server may deliver plaintext, which the gateway lets through). */
  encrypted: boolean;
}>;

/** The archived form of a timeline item, or undefined for an item the archive does not keep. */
export function archivedMessageFor(item: TimelineItem): ArchivedMessage | undefined {
  if (item.kind !== 'message' || item.body === null) return undefined;
  if (item.sendStatus === 'sending' || item.sendStatus === 'failed') return undefined;
  // Temporary ids of local echoes are not the server's ($...): the message is kept once it has its real id.
  if (!item.id.startsWith('$')) return undefined;
  return {
    eventId: item.id,
    roomId: item.roomId,
    sender: item.sender,
    sentAt: item.sentAt,
    msgtype: item.msgtype,
    body: item.body,
    encrypted: item.encrypted,
  };
}

/** The timeline item an archived message shows as (after a restart, before or without the server's copy). */
export function timelineItemForArchived(message: ArchivedMessage, ownUserId: string): TimelineItem {
  return {
    id: message.eventId,
    roomId: message.roomId,
    sender: message.sender,
    sentAt: message.sentAt,
    kind: 'message',
    msgtype: message.msgtype,
    body: message.body,
    target: null,
    membership: null,
    encrypted: message.encrypted,
    decryption: message.encrypted ? 'decrypted' : 'not-encrypted',
    failureReason: null,
    // The clinician's own messages are archived only once the server has them.
    sendStatus: message.sender === ownUserId ? 'sent' : null,
  };
}

/** True if this parsed JSON is an archived message (a record that opened but holds something else is not one). */
export function isArchivedMessage(value: unknown): value is ArchivedMessage {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.eventId === 'string' &&
    typeof record.roomId === 'string' &&
    typeof record.sender === 'string' &&
    typeof record.sentAt === 'number' &&
    Number.isFinite(record.sentAt) &&
    (typeof record.msgtype === 'string' || record.msgtype === null) &&
    typeof record.body === 'string' &&
    typeof record.encrypted === 'boolean'
  );
}

/** The messages to archive among a sync batch's timeline changes. */
export function archivedMessagesIn(changes: readonly TimelineChange[]): ArchivedMessage[] {
  return changes.flatMap((change) => {
    if (change.change !== 'upsert') return [];
    const message = archivedMessageFor(change.item);
    return message ? [message] : [];
  });
}
