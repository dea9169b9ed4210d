// The local message archive: every message this desktop decrypted, kept sealed at rest (archiveCipher.ts) in the
// platform's ArchiveStorage, one record per message with its edits and reactions folded in (messageRecord.ts). It
// is the only copy once the server's 72 hours are over, and it keeps nothing longer than the expiry sweep allows.
// An index of record names (no content) is held in memory, and which message each edit or reaction belongs to
// (learnt as records are read, so a redaction of a reaction finds its message); content is decrypted only when
// read. Attachments' bytes are kept beside their message's record, in sealed parts named after it (attachmentParts.ts),
// and go when it expires or is redacted. Operations run one at a time, so a sweep never races a write.
import type { CoreLogger } from '../platform.ts';
import type { MessageRelation } from '../stores/timelineSlice.ts';
import { ArchiveRecordUnreadableError, type ArchiveCipher } from './archiveCipher.ts';
import { isArchivedMessage, type ArchivedMessage } from './archivedMessage.ts';
import { openAttachmentParts, type AttachmentBytes, type AttachmentKind } from './attachmentParts.ts';
import {
  emptyRecord,
  isMessageRecord,
  relationIdsOf,
  withMessage,
  withoutRelation,
  withRelation,
  type MessageRecord,
} from './messageRecord.ts';
import { messageNow } from './messageRecordView.ts';
import {
  messageRecordName,
  parseMessageRecordName,
  sendHour,
  sweepRecordName,
  type MessageRecordName,
} from './archiveRecordName.ts';
import type { ArchiveStorage } from './archiveStorage.ts';

/** What the last expiry sweep did, kept in the archive itself so it survives a restart. */
export type SweepRecord = Readonly<{
  sweptAt: number;
  /** The limit it applied: a start that cannot reach the gateway sweeps with it (expiry/offlineSweep.ts). */
  clientDays: number;
  /** Send time of the oldest message kept, legal holds included; null when the archive is empty. */
  oldestKeptAt: number | null;
  /** Send time of the oldest message kept outside a legal hold: what the expiry report states. */
  oldestOutsideHoldAt: number | null;
}>;

export type SweepRequest = Readonly<{
  /** Messages sent before this time (ms since the epoch) are deleted... */
  before: number;
  /** ...except in these rooms (under legal hold). */
  keepRoomIds: readonly string[];
}>;

export type SweepOutcome = Readonly<{
  removed: number;
  kept: number;
  oldestKeptAt: number | null;
  oldestOutsideHoldAt: number | null;
}>;

export interface MessageArchive {
  /**
   * Keeps these messages (replacing earlier copies of the same events), then applies these relations to the messages
   * they relate to; resolves once written, with every record this changed, as it now is.
   */
  keep(
    messages: readonly ArchivedMessage[],
    relations?: readonly MessageRelation[],
    /** The decrypted files of messages with an attachment, by event id: sealed and written before their records. */
    files?: ReadonlyMap<string, AttachmentBytes>,
  ): Promise<readonly MessageRecord[]>;
  /** Whether this message's file is already kept (so a message seen again is not fetched again). */
  attachmentKept(eventId: string): Promise<boolean>;
  /** The records of these events that are kept here (the others passed over). */
  recordsOf(eventIds: readonly string[]): Promise<readonly MessageRecord[]>;
  /**
   * A message's file (or its thumbnail) as received, or undefined when it is not kept here (never fetched, refused,
   * expired, redacted, or a part lost or tampered with).
   */
  readAttachment(roomId: string, eventId: string, kind: AttachmentKind): Promise<Uint8Array | undefined>;
  /** One room's records, oldest first. */
  roomRecords(roomId: string): Promise<readonly MessageRecord[]>;
  /** Every record, oldest first. */
  allRecords(): Promise<readonly MessageRecord[]>;
  /** One room's messages as they now read (latest edit; deleted ones left out), oldest first. */
  roomMessages(roomId: string): Promise<readonly ArchivedMessage[]>;
  /** Every message as it now reads, oldest first. */
  allMessages(): Promise<readonly ArchivedMessage[]>;
  /**
   * Rewrites these messages' records with `change` (a record it returns unchanged is not written); resolves with the
   * records as they now are. Messages not kept here are passed over.
   */
  amend(
    eventIds: readonly string[],
    change: (record: MessageRecord) => MessageRecord,
  ): Promise<readonly MessageRecord[]>;
  /** Deletes these messages' records, edits and reactions with them (a patient's messages once filed). */
  forget(eventIds: readonly string[]): Promise<void>;
  /** Deletes what is older than the limit (outside the kept rooms), and says what is left. */
  sweep(request: SweepRequest): Promise<SweepOutcome>;
  readSweepRecord(): Promise<SweepRecord | undefined>;
  writeSweepRecord(record: SweepRecord): Promise<void>;
  /** How many records are kept (messages, and relations waiting for theirs). */
  readonly size: number;
  /** Waits for the operations in progress, then refuses any more (before a wipe, so nothing is written after it). */
  close(): Promise<void>;
}

export class ArchiveClosedError extends Error {
  override readonly name = 'ArchiveClosedError';
  constructor() {
    super('the archive is closed');
  }
}

export type MessageArchiveDeps = Readonly<{
  storage: ArchiveStorage;
  cipher: ArchiveCipher;
  logger: CoreLogger;
}>;

const encoder = new TextEncoder();
const readsAtOnce = 64;
const decoder = new TextDecoder('utf-8', { fatal: true });

function isTimeOrNull(value: unknown): boolean {
  return value === null || (typeof value === 'number' && Number.isFinite(value));
}

function isSweepRecord(value: unknown): value is SweepRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.sweptAt === 'number' &&
    typeof record.clientDays === 'number' &&
    record.clientDays > 0 &&
    isTimeOrNull(record.oldestKeptAt) &&
    isTimeOrNull(record.oldestOutsideHoldAt)
  );
}

export async function openMessageArchive(deps: MessageArchiveDeps): Promise<MessageArchive> {
  const { storage, cipher } = deps;
  const log = deps.logger.child('archive');
  /** Each kept record's name, by the event tag of its message. */
  const index = new Map<string, MessageRecordName>();
  const roomTags = new Map<string, string>();
  /** The message each edit and reaction read or written so far belongs to: event id to event id. */
  const relationTargets = new Map<string, string>();
  /** Every record has been read once since opening, so relationTargets knows every relation kept. */
  let everyRecordRead = false;
  const names = await storage.list();
  for (const name of names) {
    const parsed = parseMessageRecordName(name);
    if (parsed) index.set(parsed.eventTag, parsed);
  }
  const attachmentParts = openAttachmentParts(storage, cipher, names);

  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  /** Runs one operation after those before it; a failure is its caller's and does not stop the next. */
  function serial<T>(operation: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new ArchiveClosedError());
    const result = queue.then(operation, operation);
    queue = result.catch(() => undefined);
    return result;
  }

  async function roomTag(roomId: string): Promise<string> {
    let tag = roomTags.get(roomId);
    if (tag === undefined) {
      tag = await cipher.tag(`room:${roomId}`);
      roomTags.set(roomId, tag);
    }
    return tag;
  }

  const eventTag = (eventId: string) => cipher.tag(`event:${eventId}`);

  function learnRelations(record: MessageRecord): void {
    for (const id of relationIdsOf(record)) relationTargets.set(id, record.eventId);
  }

  /** The opened record as a message record: one kept before edits were (a bare message) is read as one. */
  function asMessageRecord(value: unknown): MessageRecord | undefined {
    if (isMessageRecord(value)) return value;
    if (isArchivedMessage(value))
      return withMessage(emptyRecord(value.eventId, value.roomId, value.sentAt), value);
    return undefined;
  }

  /** A record, or undefined (and the record deleted) when it cannot be read: it can never be shown. */
  async function readRecord(name: MessageRecordName): Promise<MessageRecord | undefined> {
    const sealed = await storage.read(name.name);
    if (sealed === undefined) {
      index.delete(name.eventTag);
      return undefined;
    }
    try {
      const record = asMessageRecord(JSON.parse(decoder.decode(await cipher.open(name.name, sealed))));
      if (record) {
        learnRelations(record);
        return record;
      }
    } catch (error) {
      if (!(error instanceof ArchiveRecordUnreadableError) && !(error instanceof SyntaxError)) throw error;
    }
    log.warn('an archive record could not be read; it is deleted', { hour: name.hour });
    await storage.delete([name.name]);
    index.delete(name.eventTag);
    return undefined;
  }

  async function readAll(names: readonly MessageRecordName[]): Promise<MessageRecord[]> {
    const records: (MessageRecord | undefined)[] = [];
    // A few at a time: all at once, a large archive runs out of open files (EMFILE, found by the search bench).
    for (let from = 0; from < names.length; from += readsAtOnce) {
      records.push(...(await Promise.all(names.slice(from, from + readsAtOnce).map(readRecord))));
    }
    return records
      .filter((record) => record !== undefined)
      .sort((a, b) => a.sentAt - b.sentAt || a.eventId.localeCompare(b.eventId));
  }

  /** Writes a record whole, under the name of its (possibly new) send hour; the old name goes. */
  async function writeRecord(record: MessageRecord): Promise<void> {
    const name = messageRecordName(
      await roomTag(record.roomId),
      record.sentAt,
      await eventTag(record.eventId),
    );
    await storage.write(name.name, await cipher.seal(name.name, encoder.encode(JSON.stringify(record))));
    // The same event seen at another send time (a local echo's clock, then the server's; a relation's, then the
    // message's) keeps one record.
    const previous = index.get(name.eventTag);
    if (previous && previous.name !== name.name) await storage.delete([previous.name]);
    index.set(name.eventTag, name);
    learnRelations(record);
  }

  async function writeAttachment(record: MessageRecord, bytes: AttachmentBytes): Promise<void> {
    const name = messageRecordName(
      await roomTag(record.roomId),
      record.sentAt,
      await eventTag(record.eventId),
    );
    await attachmentParts.write(name, 'file', bytes.file);
    if (bytes.thumbnail && record.content?.attachment?.thumbnail)
      await attachmentParts.write(name, 'thumbnail', bytes.thumbnail);
  }

  async function readAttachment(
    roomId: string,
    eventId: string,
    kind: AttachmentKind,
  ): Promise<Uint8Array | undefined> {
    const tag = await eventTag(eventId);
    const name = index.get(tag);
    const record = name && (await readRecord(name));
    const attachment = record?.roomId === roomId ? record.content?.attachment : undefined;
    if (!attachment || attachment.parts === 0) return undefined;
    const wanted = kind === 'file' ? attachment : attachment.thumbnail;
    if (!wanted || wanted.size === null) return undefined;
    const bytes = await attachmentParts.read(tag, kind, wanted.parts, wanted.size);
    if (bytes === undefined)
      log.warn('an attachment in the archive could not be read', { hour: name?.hour, kind });
    return bytes;
  }

  /** The send time of the oldest readable record among these, opening only the earliest hours. */
  async function oldestSentAt(names: readonly MessageRecordName[]): Promise<number | null> {
    const hours = [...new Set(names.map((name) => name.hour))].sort((a, b) => a - b);
    for (const hour of hours) {
      const records = await readAll(names.filter((name) => name.hour === hour));
      if (records[0] !== undefined) return records[0].sentAt;
    }
    return null;
  }

  /** Applies one batch: the records it touches are read once, changed in memory, and each written once. */
  async function keepBatch(
    messages: readonly ArchivedMessage[],
    relations: readonly MessageRelation[],
    files: ReadonlyMap<string, AttachmentBytes>,
  ): Promise<MessageRecord[]> {
    /** Files to write before their message's record: only where the record did not already keep one. */
    const newFiles = new Map<string, AttachmentBytes>();
    const touched = new Map<string, Readonly<{ before: string | undefined; record: MessageRecord }>>();
    async function recordOf(eventId: string): Promise<MessageRecord | undefined> {
      const kept = touched.get(eventId);
      if (kept) return kept.record;
      const name = index.get(await eventTag(eventId));
      const record = name && (await readRecord(name));
      if (record) touched.set(eventId, { before: JSON.stringify(record), record });
      return record;
    }
    function change(record: MessageRecord): void {
      touched.set(record.eventId, { before: touched.get(record.eventId)?.before, record });
      // A reaction added and redacted in one batch: the redaction finds it here.
      learnRelations(record);
    }

    for (const message of messages) {
      const record =
        (await recordOf(message.eventId)) ?? emptyRecord(message.eventId, message.roomId, message.sentAt);
      const next = withMessage(record, message);
      change(next);
      const bytes = files.get(message.eventId);
      const keptBefore = (record.content?.attachment?.parts ?? 0) > 0;
      if (bytes && !keptBefore && (next.content?.attachment?.parts ?? 0) > 0)
        newFiles.set(message.eventId, bytes);
    }
    for (const relation of relations) {
      if (relation.kind !== 'redaction') {
        const target =
          (await recordOf(relation.targetId)) ??
          emptyRecord(relation.targetId, relation.roomId, relation.sentAt);
        change(withRelation(target, relation));
        continue;
      }
      // A redaction names the event redacted: a message, or an edit or reaction kept in its message's record.
      if (
        !everyRecordRead &&
        !relationTargets.has(relation.targetId) &&
        !(await recordOf(relation.targetId))
      ) {
        await readAll([...index.values()]);
        everyRecordRead = true;
      }
      const owner = relationTargets.get(relation.targetId);
      const ownerRecord = owner === undefined ? undefined : await recordOf(owner);
      if (ownerRecord) change(withoutRelation(ownerRecord, relation));
      const redacted = await recordOf(relation.targetId);
      // A redaction of something never kept here (a state event, a message from before this desktop) keeps nothing.
      if (redacted) change(withRelation(redacted, relation));
    }

    const changed: MessageRecord[] = [];
    const erased: string[] = [];
    for (const { before, record } of touched.values()) {
      const bytes = newFiles.get(record.eventId);
      // The parts first: a crash before the record leaves parts no record names, which the next sweep deletes.
      if (bytes && record.content?.attachment) await writeAttachment(record, bytes);
      if (JSON.stringify(record) !== before) await writeRecord(record);
      if (record.deletedAt !== null) erased.push(await eventTag(record.eventId));
      changed.push(record);
    }
    // A redaction erases the file and thumbnail with the text.
    await attachmentParts.deleteFor(erased);
    return changed;
  }

  return {
    get size() {
      return index.size;
    },

    close: async () => {
      closed = true;
      await queue;
    },

    keep: (messages, relations = [], files = new Map()) =>
      serial(() => keepBatch(messages, relations, files)),

    attachmentKept: (eventId) =>
      serial(async () => {
        const name = index.get(await eventTag(eventId));
        const record = name && (await readRecord(name));
        return (record?.content?.attachment?.parts ?? 0) > 0;
      }),

    readAttachment: (roomId, eventId, kind) => serial(() => readAttachment(roomId, eventId, kind)),

    roomRecords: (roomId) =>
      serial(async () => {
        const tag = await roomTag(roomId);
        return readAll([...index.values()].filter((name) => name.roomTag === tag));
      }),

    allRecords: () =>
      serial(async () => {
        const records = await readAll([...index.values()]);
        everyRecordRead = true;
        return records;
      }),

    roomMessages: (roomId) =>
      serial(async () => {
        const tag = await roomTag(roomId);
        const records = await readAll([...index.values()].filter((name) => name.roomTag === tag));
        return records.flatMap((record) => messageNow(record) ?? []);
      }),

    allMessages: () =>
      serial(async () => (await readAll([...index.values()])).flatMap((record) => messageNow(record) ?? [])),

    recordsOf: (eventIds) =>
      serial(async () => {
        const records: MessageRecord[] = [];
        for (const eventId of new Set(eventIds)) {
          const name = index.get(await eventTag(eventId));
          const record = name && (await readRecord(name));
          if (record) records.push(record);
        }
        return records;
      }),

    amend: (eventIds, change) =>
      serial(async () => {
        const amended: MessageRecord[] = [];
        for (const eventId of new Set(eventIds)) {
          const name = index.get(await eventTag(eventId));
          const record = name && (await readRecord(name));
          if (!record) continue;
          const changed = change(record);
          // The event and room name the record; a change may not move it.
          if (changed.eventId !== record.eventId || changed.roomId !== record.roomId) {
            throw new Error('an amended record must keep its event and room');
          }
          if (JSON.stringify(changed) !== JSON.stringify(record)) await writeRecord(changed);
          amended.push(changed);
        }
        return amended;
      }),

    forget: (eventIds) =>
      serial(async () => {
        const names: string[] = [];
        const tags: string[] = [];
        for (const eventId of new Set(eventIds)) {
          const tag = await eventTag(eventId);
          const name = index.get(tag);
          if (name === undefined) continue;
          names.push(name.name);
          tags.push(tag);
          index.delete(tag);
        }
        await storage.delete(names);
        // Their files and thumbnails go with them.
        await attachmentParts.deleteFor(tags);
      }),

    sweep: (request) =>
      serial(async () => {
        const held = new Set(await Promise.all(request.keepRoomIds.map(roomTag)));
        const boundary = sendHour(request.before);
        const before = index.size;
        const expired: string[] = [];
        for (const name of [...index.values()]) {
          if (held.has(name.roomTag) || name.hour > boundary) continue;
          if (name.hour === boundary) {
            // Only this hour needs opening: its records fall either side of the limit.
            const record = await readRecord(name);
            if (record === undefined || record.sentAt >= request.before) continue;
          }
          // The message's edits and reactions are in its record: they go with it.
          expired.push(name.name);
          index.delete(name.eventTag);
        }
        await storage.delete(expired);
        // Their files and thumbnails, and parts a crash left without a record.
        await attachmentParts.deleteUnless((eventTag) => index.has(eventTag));
        const remaining = [...index.values()];
        return {
          removed: before - index.size,
          kept: index.size,
          oldestKeptAt: await oldestSentAt(remaining),
          oldestOutsideHoldAt: await oldestSentAt(remaining.filter((name) => !held.has(name.roomTag))),
        };
      }),

    readSweepRecord: () =>
      serial(async () => {
        const sealed = await storage.read(sweepRecordName);
        if (sealed === undefined) return undefined;
        try {
          const value: unknown = JSON.parse(decoder.decode(await cipher.open(sweepRecordName, sealed)));
          if (isSweepRecord(value)) return value;
        } catch (error) {
          if (!(error instanceof ArchiveRecordUnreadableError) && !(error instanceof SyntaxError))
            throw error;
        }
        log.warn('the last sweep record could not be read; the next sweep writes a new one');
        return undefined;
      }),

    writeSweepRecord: (record) =>
      serial(async () => {
        await storage.write(
          sweepRecordName,
          await cipher.seal(sweepRecordName, encoder.encode(JSON.stringify(record))),
        );
      }),
  };
}
