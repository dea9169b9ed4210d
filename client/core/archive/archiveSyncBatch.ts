// A sync batch written to the archive, and the batch the store is then to show: write first, show after. The
// archive folds each edit, reaction and redaction into the message it relates to (messageRecord.ts), so the store
// is given that message as it now reads, in place of the relation, and every message the batch brings as the
// archive holds it (an edit that came first, or a redaction, already applied). A message with an encrypted attachment
// has its file fetched, checked, decrypted and sealed into the archive before the message is shown; a file that
// cannot be had is archived as not kept (the message still shows), and its key goes no further than here, except to
// the retry of a download that failed in a way that passes (attachmentRetry.ts), which holds it in memory only.
import type { AttachmentSource } from '../attachments/attachmentSource.ts';
import type { MediaDownload } from '../attachments/mediaDownload.ts';
import { receiveAttachment } from '../attachments/receivedAttachment.ts';
import type { CoreLogger } from '../platform.ts';
import type { SyncBatch } from '../stores/bleepStore.ts';
import type { MessageRelation, TimelineChange, TimelineItem } from '../stores/timelineSlice.ts';
import { partCount, type ArchivedAttachment } from './archivedAttachment.ts';
import { archivedMessageFor, type ArchivedMessage } from './archivedMessage.ts';
import type { AttachmentBytes } from './attachmentParts.ts';
import type { MessageArchive } from './messageArchive.ts';
import { timelineItemForRecord } from './messageRecordView.ts';

export type AttachmentIntake = Readonly<{
  download: MediaDownload;
  logger: CoreLogger;
  /** A file whose download failed in a way that passes (server or network down): tried again later there. */
  retryLater?: (message: ArchivedMessage, source: AttachmentSource) => void;
}>;

/** What the message says of its attachment before the file is had: kept in no parts. */
export function declaredAttachment(source: AttachmentSource): ArchivedAttachment {
  return {
    name: source.name,
    mimetype: source.file.mimetype,
    size: source.file.size,
    parts: 0,
    thumbnail: null,
  };
}

/** The attachment as the archive keeps it once its file (and thumbnail, if had) arrived, and the bytes to seal. */
export function keptAttachment(
  source: AttachmentSource,
  received: Readonly<{ file: Uint8Array; thumbnail: Uint8Array | null }>,
): Readonly<{ attachment: ArchivedAttachment; bytes: AttachmentBytes }> {
  const { file } = received;
  const thumbnail =
    source.thumbnail && received.thumbnail ? { ...source.thumbnail, bytes: received.thumbnail } : null;
  return {
    attachment: {
      ...declaredAttachment(source),
      size: file.length,
      parts: partCount(file.length),
      thumbnail: thumbnail && {
        mimetype: thumbnail.mimetype,
        size: thumbnail.bytes.length,
        w: thumbnail.w,
        h: thumbnail.h,
        parts: partCount(thumbnail.bytes.length),
      },
    },
    bytes: { file, thumbnail: thumbnail?.bytes ?? null },
  };
}

/** The message's attachment as the archive keeps it, with its bytes when they were had. */
async function intake(
  archive: MessageArchive,
  source: AttachmentSource,
  message: ArchivedMessage,
  attachments: AttachmentIntake | undefined,
): Promise<Readonly<{ attachment: ArchivedAttachment; bytes?: AttachmentBytes }>> {
  const declared = declaredAttachment(source);
  // Already kept (the same event again, after a restart): the record keeps its file (messageRecord.withMessage).
  if (!attachments || (await archive.attachmentKept(message.eventId))) return { attachment: declared };
  const received = await receiveAttachment(attachments.download, source);
  if (!received.kept) {
    // No name, no content: which message is the store's to show, not the log's.
    attachments.logger.warn('an attachment could not be kept', {
      why: received.why,
      passing: received.passing,
    });
    if (received.passing) attachments.retryLater?.({ ...message, attachment: declared }, source);
    return { attachment: declared };
  }
  return keptAttachment(source, received);
}

export async function keepSyncBatch(
  archive: MessageArchive,
  batch: SyncBatch,
  ownUserId: string,
  attachments?: AttachmentIntake,
): Promise<SyncBatch> {
  const messages: ArchivedMessage[] = [];
  const relations: MessageRelation[] = [];
  const files = new Map<string, AttachmentBytes>();
  for (const change of batch.timeline) {
    if (change.change === 'relation') relations.push(change.relation);
    if (change.change !== 'upsert') continue;
    const message = archivedMessageFor(change.item);
    if (!message) continue;
    if (!change.attachmentSource) {
      messages.push(message);
      continue;
    }
    const { attachment, bytes } = await intake(archive, change.attachmentSource, message, attachments);
    messages.push({ ...message, attachment });
    if (bytes) files.set(message.eventId, bytes);
  }
  // Messages the SDK has not decrypted (yet: after a restart it brings the server's window again before its keys are
  // loaded, or never): the archive's copy is what this desktop read, shown in place of a message still locked.
  const locked = batch.timeline.flatMap((change) =>
    change.change === 'upsert' && change.item.encrypted && change.item.decryption !== 'decrypted'
      ? [change.item.id]
      : [],
  );
  if (messages.length === 0 && relations.length === 0 && locked.length === 0) return withoutSources(batch);

  const shownNow = new Map<string, TimelineItem>();
  const records = [
    ...(locked.length === 0 ? [] : await archive.recordsOf(locked)),
    ...(messages.length === 0 && relations.length === 0
      ? []
      : await archive.keep(messages, relations, files)),
  ];
  for (const record of records) {
    const item = timelineItemForRecord(record, ownUserId);
    if (item) shownNow.set(record.eventId, item);
  }
  const timeline: TimelineChange[] = [];
  for (const change of batch.timeline) {
    if (change.change === 'relation') continue;
    if (change.change !== 'upsert') {
      timeline.push(change);
      continue;
    }
    const item = shownNow.get(change.item.id);
    timeline.push(shownUpsert(item ?? change.item, change.replacesId, change.historical));
    if (item) shownNow.delete(item.id);
  }
  // The messages only a relation changed (an edit, a reaction, a redaction of one of them).
  for (const item of shownNow.values()) timeline.push({ change: 'upsert', item });
  return { ...batch, timeline };
}

/** An upsert for the store: never the attachment's source, which holds its key. */
function shownUpsert(
  item: TimelineItem,
  replacesId: string | undefined,
  historical: boolean | undefined,
): TimelineChange {
  return {
    change: 'upsert',
    item,
    ...(replacesId === undefined ? {} : { replacesId }),
    ...(historical === true ? { historical } : {}),
  };
}

function withoutSources(batch: SyncBatch): SyncBatch {
  if (!batch.timeline.some((change) => change.change === 'upsert' && change.attachmentSource)) return batch;
  return {
    ...batch,
    timeline: batch.timeline.map((change) =>
      change.change === 'upsert' ? shownUpsert(change.item, change.replacesId, change.historical) : change,
    ),
  };
}
