// The local message archive: every message this desktop decrypted, kept sealed at rest (archiveCipher.ts) in the
// platform's ArchiveStorage, one record per message. It is the only copy once the server's 72 hours are over, and
// it keeps nothing longer than the expiry sweep allows. An index of record names (no content) is held in memory;
// content is decrypted only when read. Operations run one at a time, so a sweep never races a write.
import type { CoreLogger } from '../platform.ts';
import { ArchiveRecordUnreadableError, type ArchiveCipher } from './archiveCipher.ts';
import { isArchivedMessage, type ArchivedMessage } from './archivedMessage.ts';
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
  /** Keeps these messages, replacing earlier copies of the same events; resolves once they are written. */
  keep(messages: readonly ArchivedMessage[]): Promise<void>;
  /** One room's messages, oldest first. */
  roomMessages(roomId: string): Promise<readonly ArchivedMessage[]>;
  /** Every message, oldest first. */
  allMessages(): Promise<readonly ArchivedMessage[]>;
  /** Deletes what is older than the limit (outside the kept rooms), and says what is left. */
  sweep(request: SweepRequest): Promise<SweepOutcome>;
  readSweepRecord(): Promise<SweepRecord | undefined>;
  writeSweepRecord(record: SweepRecord): Promise<void>;
  /** How many messages are kept. */
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
  /** Each kept message's record name, by event tag. */
  const index = new Map<string, MessageRecordName>();
  const roomTags = new Map<string, string>();
  for (const name of await storage.list()) {
    const parsed = parseMessageRecordName(name);
    if (parsed) index.set(parsed.eventTag, parsed);
  }

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

  /** A record's message, or undefined (and the record deleted) when it cannot be read: it can never be shown. */
  async function readMessage(record: MessageRecordName): Promise<ArchivedMessage | undefined> {
    const sealed = await storage.read(record.name);
    if (sealed === undefined) {
      index.delete(record.eventTag);
      return undefined;
    }
    try {
      const value: unknown = JSON.parse(decoder.decode(await cipher.open(record.name, sealed)));
      if (isArchivedMessage(value)) return value;
    } catch (error) {
      if (!(error instanceof ArchiveRecordUnreadableError) && !(error instanceof SyntaxError)) throw error;
    }
    log.warn('an archive record could not be read; it is deleted', { hour: record.hour });
    await storage.delete([record.name]);
    index.delete(record.eventTag);
    return undefined;
  }

  async function readAll(records: readonly MessageRecordName[]): Promise<ArchivedMessage[]> {
    const messages = await Promise.all(records.map(readMessage));
    return messages
      .filter((message) => message !== undefined)
      .sort((a, b) => a.sentAt - b.sentAt || a.eventId.localeCompare(b.eventId));
  }

  /** The send time of the oldest readable message among these records, opening only the earliest hours. */
  async function oldestSentAt(records: readonly MessageRecordName[]): Promise<number | null> {
    const hours = [...new Set(records.map((record) => record.hour))].sort((a, b) => a - b);
    for (const hour of hours) {
      const messages = await readAll(records.filter((record) => record.hour === hour));
      if (messages[0] !== undefined) return messages[0].sentAt;
    }
    return null;
  }

  return {
    get size() {
      return index.size;
    },

    close: async () => {
      closed = true;
      await queue;
    },

    keep: (messages) =>
      serial(async () => {
        for (const message of messages) {
          const record = messageRecordName(
            await roomTag(message.roomId),
            message.sentAt,
            await cipher.tag(`event:${message.eventId}`),
          );
          await storage.write(
            record.name,
            await cipher.seal(record.name, encoder.encode(JSON.stringify(message))),
          );
          // The same event seen at another send time (a local echo's clock, then the server's) keeps one record.
          const previous = index.get(record.eventTag);
          if (previous && previous.name !== record.name) await storage.delete([previous.name]);
          index.set(record.eventTag, record);
        }
      }),

    roomMessages: (roomId) =>
      serial(async () => {
        const tag = await roomTag(roomId);
        return readAll([...index.values()].filter((record) => record.roomTag === tag));
      }),

    allMessages: () => serial(() => readAll([...index.values()])),

    sweep: (request) =>
      serial(async () => {
        const held = new Set(await Promise.all(request.keepRoomIds.map(roomTag)));
        const boundary = sendHour(request.before);
        const before = index.size;
        const expired: string[] = [];
        for (const record of [...index.values()]) {
          if (held.has(record.roomTag) || record.hour > boundary) continue;
          if (record.hour === boundary) {
            // Only this hour needs opening: its messages fall either side of the limit.
            const message = await readMessage(record);
            if (message === undefined || message.sentAt >= request.before) continue;
          }
          expired.push(record.name);
          index.delete(record.eventTag);
        }
        await storage.delete(expired);
        const remaining = [...index.values()];
        return {
          removed: before - index.size,
          kept: index.size,
          oldestKeptAt: await oldestSentAt(remaining),
          oldestOutsideHoldAt: await oldestSentAt(remaining.filter((record) => !held.has(record.roomTag))),
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
