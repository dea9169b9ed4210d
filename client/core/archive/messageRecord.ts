// What the archive keeps of one message: the message as sent, its sender's edits, its reactions, and whether it was
// redacted, folded into one record filed under the message's own send time. Folding them together is what lets
// expiry delete a message's edits and reactions with it, and a redaction erase every copy of its text (the edits
// too) by rewriting one record. Relations may arrive before the message they relate to (an edit that decrypted
// first): the record then waits, filed under the earliest relation's time, until the message arrives.
import type { MessageRedaction, MessageRelation } from '../stores/timelineSlice.ts';
import { isPatientMark, type PatientMark } from '../patient/patientTag.ts';
import { isArchivedAttachment, type ArchivedAttachment } from './archivedAttachment.ts';
import type { ArchivedMessage } from './archivedMessage.ts';

/**
 * A message's content. An attachment's name, type, size and whether its file is kept ride with the message as sent
 * (an edit changes the text only; the file's parts are named after the message: attachmentParts.ts).
 */
export type MessageContent = Readonly<{
  msgtype: string | null;
  body: string;
  attachment?: ArchivedAttachment;
}>;

export type ArchivedEdit = Readonly<{
  eventId: string;
  sender: string;
  sentAt: number;
  content: MessageContent;
}>;

export type ArchivedReaction = Readonly<{ eventId: string; sender: string; sentAt: number; key: string }>;

export type MessageRecord = Readonly<{
  eventId: string;
  roomId: string;
  /** Filed under this time (the 90-day rule runs from it): the message's send time, or the earliest relation's. */
  sentAt: number;
  /** null until the message itself arrives (only its relations are known). */
  sender: string | null;
  encrypted: boolean;
  /** The content as sent; null until the message arrives, and once it is deleted. */
  content: MessageContent | null;
  /** When it was redacted; its text, edits and reactions are then gone from the record. */
  deletedAt: number | null;
  /** Edits, kept in full so that a redacted edit falls back to the one before. */
  edits: readonly ArchivedEdit[];
  reactions: readonly ArchivedReaction[];
  /**
   * The patient the message is about, from its content as sent (an edit does not change it), and when it was filed
   * to their record; absent when untagged, and erased with the content by a redaction.
   */
  patient?: PatientMark;
  /** Flagged urgent by its sender, as sent (an edit does not change it). */
  urgent?: true;
  /** A referral message's reason, as sent; erased with the content by a redaction. */
  referral?: Readonly<{ reason: string }>;
  /** The event id of the message it replies to, as sent (an edit does not change it); erased by a redaction. */
  replyTo?: string;
}>;

/** A record for an event the archive has not seen yet. */
export function emptyRecord(eventId: string, roomId: string, sentAt: number): MessageRecord {
  return {
    eventId,
    roomId,
    sentAt,
    sender: null,
    encrypted: false,
    content: null,
    deletedAt: null,
    edits: [],
    reactions: [],
  };
}

/** The record once the message itself is known. A deleted record stays deleted: its text never comes back. */
export function withMessage(record: MessageRecord, message: ArchivedMessage): MessageRecord {
  const known = { ...record, sentAt: message.sentAt, sender: message.sender, encrypted: message.encrypted };
  if (record.deletedAt !== null) return known;
  const nhsNumber = message.patientNhsNumber;
  // A file already kept stays as kept: the same event seen again (a restart's sync) is not fetched again.
  const kept = record.content?.attachment;
  const attachment = kept && kept.parts > 0 ? kept : message.attachment;
  const patient =
    nhsNumber === undefined ? record.patient : { nhsNumber, filedAt: record.patient?.filedAt ?? null };
  return {
    ...known,
    ...(patient ? { patient } : {}),
    ...(message.urgent ? { urgent: true as const } : {}),
    ...(message.referralReason === undefined ? {} : { referral: { reason: message.referralReason } }),
    ...(message.replyTo === undefined ? {} : { replyTo: message.replyTo }),
    content: { msgtype: message.msgtype, body: message.body, ...(attachment ? { attachment } : {}) },
    // Only its sender may edit a message: edits that came before it, from anyone else, go.
    edits: record.edits.filter((edit) => edit.sender === message.sender),
  };
}

/** The record with a relation applied to it (`record` is the relation's target's). */
export function withRelation(record: MessageRecord, relation: MessageRelation): MessageRecord {
  if (record.deletedAt !== null) return record;
  const sentAt = record.sender === null ? Math.min(record.sentAt, relation.sentAt) : record.sentAt;
  switch (relation.kind) {
    case 'edit': {
      if (record.sender !== null && relation.sender !== record.sender) return record;
      if (record.edits.some((edit) => edit.eventId === relation.id)) return record;
      const content = { msgtype: relation.msgtype, body: relation.body };
      const edit = { eventId: relation.id, sender: relation.sender, sentAt: relation.sentAt, content };
      return { ...record, sentAt, edits: [...record.edits, edit] };
    }
    case 'reaction': {
      if (record.reactions.some((reaction) => reaction.eventId === relation.id)) return record;
      const { id: eventId, sender, sentAt: reactedAt, key } = relation;
      return {
        ...record,
        sentAt,
        reactions: [...record.reactions, { eventId, sender, sentAt: reactedAt, key }],
      };
    }
    case 'redaction':
      return redacted(record, relation);
  }
}

/**
 * The record with the message redacted: its content, edits and reactions erased. By its sender or a moderator (the
 * homeserver already refuses anyone else); a record whose message has not arrived cannot be judged, and is erased
 * (erasing more is the safe side of a redaction).
 */
function redacted(record: MessageRecord, redaction: MessageRedaction): MessageRecord {
  if (record.sender !== null && redaction.sender !== record.sender && !redaction.senderMayRedactOthers) {
    return record;
  }
  const { patient: _erased, referral: _alsoErased, replyTo: _noLongerAReply, ...rest } = record;
  return { ...rest, content: null, deletedAt: redaction.sentAt, edits: [], reactions: [] };
}

/** The ids of the relations this record holds (a redaction names them, not the message). */
export function relationIdsOf(record: MessageRecord): string[] {
  return [
    ...record.edits.map((edit) => edit.eventId),
    ...record.reactions.map((reaction) => reaction.eventId),
  ];
}

/** The record with one of its edits or reactions redacted: by that relation's sender or a moderator. */
export function withoutRelation(record: MessageRecord, redaction: MessageRedaction): MessageRecord {
  const allowed = (sender: string) => sender === redaction.sender || redaction.senderMayRedactOthers;
  const gone = (relation: Readonly<{ eventId: string; sender: string }>) =>
    relation.eventId === redaction.targetId && allowed(relation.sender);
  return {
    ...record,
    edits: record.edits.filter((edit) => !gone(edit)),
    reactions: record.reactions.filter((reaction) => !gone(reaction)),
  };
}

function isContent(value: unknown): value is MessageContent {
  if (typeof value !== 'object' || value === null) return false;
  const content = value as Record<string, unknown>;
  return (
    (typeof content.msgtype === 'string' || content.msgtype === null) &&
    typeof content.body === 'string' &&
    (content.attachment === undefined || isArchivedAttachment(content.attachment))
  );
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function isRelationShaped(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const relation = value as Record<string, unknown>;
  return (
    typeof relation.eventId === 'string' && typeof relation.sender === 'string' && isTime(relation.sentAt)
  );
}

/** True if this parsed JSON is a message record (a record that opened but holds something else is not one). */
export function isMessageRecord(value: unknown): value is MessageRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.eventId === 'string' &&
    typeof record.roomId === 'string' &&
    isTime(record.sentAt) &&
    (typeof record.sender === 'string' || record.sender === null) &&
    typeof record.encrypted === 'boolean' &&
    (record.content === null || isContent(record.content)) &&
    (record.deletedAt === null || isTime(record.deletedAt)) &&
    Array.isArray(record.edits) &&
    record.edits.every((edit) => isRelationShaped(edit) && isContent(edit.content)) &&
    Array.isArray(record.reactions) &&
    record.reactions.every((reaction) => isRelationShaped(reaction) && typeof reaction.key === 'string') &&
    (record.patient === undefined || isPatientMark(record.patient)) &&
    (record.urgent === undefined || record.urgent === true) &&
    (record.referral === undefined || isReferral(record.referral)) &&
    (record.replyTo === undefined || typeof record.replyTo === 'string')
  );
}

function isReferral(value: unknown): value is Readonly<{ reason: string }> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).reason === 'string'
  );
}
