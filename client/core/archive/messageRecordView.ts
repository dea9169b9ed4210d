// How an archived message reads now: its sender's latest edit in place of the text as sent, its reactions grouped
// by key, "deleted" once redacted. The timeline (after a restart, and for each change sync brings) and the search
// read messages through here, so both show the same text.
import type { TimelineAttachment, TimelineItem, TimelineReaction } from '../stores/timelineSlice.ts';
import type { ArchivedAttachment } from './archivedAttachment.ts';
import type { ArchivedMessage } from './archivedMessage.ts';
import type { ArchivedEdit, MessageContent, MessageRecord } from './messageRecord.ts';

/** The edit the message shows: the latest its sender sent (by send time, then event id, so every desktop agrees). */
export function latestEdit(record: MessageRecord): ArchivedEdit | undefined {
  let latest: ArchivedEdit | undefined;
  for (const edit of record.edits) {
    if (edit.sender !== record.sender) continue;
    if (
      latest === undefined ||
      edit.sentAt > latest.sentAt ||
      (edit.sentAt === latest.sentAt && edit.eventId > latest.eventId)
    ) {
      latest = edit;
    }
  }
  return latest;
}

/** The content the message shows now, or null when it has none (deleted, or not arrived yet). */
export function currentContent(record: MessageRecord): MessageContent | null {
  if (record.content === null) return null;
  return latestEdit(record)?.content ?? record.content;
}

/** Reactions by key, in the order each key was first used; one per clinician and key. */
export function reactionsOf(record: MessageRecord): TimelineReaction[] {
  const byKey = new Map<string, string[]>();
  const sorted = [...record.reactions].sort(
    (a, b) => a.sentAt - b.sentAt || a.eventId.localeCompare(b.eventId),
  );
  for (const reaction of sorted) {
    const senders = byKey.get(reaction.key) ?? [];
    if (!senders.includes(reaction.sender)) senders.push(reaction.sender);
    byKey.set(reaction.key, senders);
  }
  return [...byKey].map(([key, senders]) => ({ key, senders }));
}

/** What the timeline shows of an archived attachment: no part counts, nothing that opens it. */
function shownAttachment(attachment: ArchivedAttachment): TimelineAttachment {
  const { thumbnail } = attachment;
  return {
    name: attachment.name,
    mimetype: attachment.mimetype,
    size: attachment.size,
    kept: attachment.parts > 0,
    thumbnail: thumbnail && {
      mimetype: thumbnail.mimetype,
      size: thumbnail.size,
      w: thumbnail.w,
      h: thumbnail.h,
    },
  };
}

/** The timeline item the record shows as, or undefined while the message itself has not arrived. */
export function timelineItemForRecord(record: MessageRecord, ownUserId: string): TimelineItem | undefined {
  if (record.sender === null) return undefined;
  const content = currentContent(record);
  const deleted = record.deletedAt !== null;
  // The file is the message's as sent: an edit changes its caption, never the file.
  const attachment = deleted ? undefined : record.content?.attachment;
  return {
    id: record.eventId,
    roomId: record.roomId,
    sender: record.sender,
    sentAt: record.sentAt,
    kind: deleted ? 'deleted' : 'message',
    msgtype: content?.msgtype ?? null,
    body: content?.body ?? null,
    editedAt: deleted ? null : (latestEdit(record)?.sentAt ?? null),
    reactions: deleted ? [] : reactionsOf(record),
    target: null,
    membership: null,
    encrypted: record.encrypted,
    decryption: record.encrypted ? 'decrypted' : 'not-encrypted',
    failureReason: null,
    // The clinician's own messages are archived only once the server has them.
    sendStatus: record.sender === ownUserId ? 'sent' : null,
    urgent: record.urgent === true && !deleted,
    replyTo: deleted ? null : (record.replyTo ?? null),
    ...(record.patient && !deleted ? { patient: record.patient } : {}),
    ...(record.referral && !deleted ? { referral: record.referral } : {}),
    ...(attachment ? { attachment: shownAttachment(attachment) } : {}),
  };
}

/** The message as it now reads (its latest edit's text), or undefined when deleted or not arrived yet. */
export function messageNow(record: MessageRecord): ArchivedMessage | undefined {
  const content = currentContent(record);
  if (record.sender === null || content === null) return undefined;
  const { eventId, roomId, sender, sentAt, encrypted } = record;
  const attachment = record.content?.attachment;
  return {
    eventId,
    roomId,
    sender,
    sentAt,
    msgtype: content.msgtype,
    body: content.body,
    encrypted,
    ...(attachment ? { attachment } : {}),
  };
}
