// A message as the archive takes it from the timeline: the decrypted text as sent and who sent it where and when,
// as plain data (messageRecord.ts folds its edits, reactions and redaction in). Only messages the server has (an
// event id, not a local echo still sending) and that are readable here are kept: a placeholder for an event that
// has not decrypted yet is not a message, and its decryption arrives as an update.
import type { TimelineItem } from '../stores/timelineSlice.ts';
import type { ArchivedAttachment } from './archivedAttachment.ts';

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
  /** The patient it is about (patient/patientTag.ts), as ten digits; absent when untagged. */
  patientNhsNumber?: string;
  /** Flagged urgent by its sender (inside the encrypted content); absent when not. */
  urgent?: true;
  /** A referral message's reason (rooms/referralContent.ts); absent for any other message. */
  referralReason?: string;
  /** The event id of the message it replies to (inside the encrypted content); absent when not a reply. */
  replyTo?: string;
  /** An m.file, m.image... message's attachment, as the archive keeps it (archiveSyncBatch.ts fetches the file). */
  attachment?: ArchivedAttachment;
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
    ...(item.patient ? { patientNhsNumber: item.patient.nhsNumber } : {}),
    ...(item.urgent ? { urgent: true as const } : {}),
    ...(item.referral ? { referralReason: item.referral.reason } : {}),
    ...(item.replyTo === null ? {} : { replyTo: item.replyTo }),
  };
}

/** True if this parsed JSON is an archived message: how records were kept before edits and reactions were. */
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
