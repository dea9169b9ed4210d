// Test data for the client's benchmarks: a realistic archive, sealed and on disk, built through the archive's own API.
import { randomBytes } from 'node:crypto';
import { createArchiveCipher } from '../core/archive/archiveCipher.ts';
import type { ArchivedMessage } from '../core/archive/archivedMessage.ts';
import { openMessageArchive, type MessageArchive } from '../core/archive/messageArchive.ts';
import type { MessageRelation } from '../core/stores/timelineSlice.ts';
import { createFileArchiveStorage } from '../node/fileArchiveStorage.ts';
import { consoleLogger } from '../node/nodePlatform.ts';

const words = [
  'review',
  'bed',
  'lactate',
  'sepsis',
  'obs',
  'handover',
  'theatre',
  'discharge',
  'bloods',
  'ECG',
];
/** When the seeded archive's first message was sent. */
export const benchStart = Date.UTC(2026, 0, 1);
const sender = '@bench:trust-a.localhost';

function note(index: number): string {
  const pick = (offset: number) => words[(index * 7 + offset * 3) % words.length] ?? 'note';
  return `Note ${index}: ${pick(0)} ${pick(1)} bed ${index % 30}, ${pick(2)} at ${index % 24}:00 please ${pick(3)}`;
}

/**
 * An archive of `count` messages in 20 rooms, one a minute from `benchStart` (or `spacingMs` apart), a tenth edited and a
 * tenth reacted to, in one-file-per-record storage as under Node.
 */
export async function seededArchive(
  directory: string,
  count: number,
  spacingMs = 60_000,
): Promise<MessageArchive> {
  const cipher = await createArchiveCipher(randomBytes(32), (length) => randomBytes(length));
  const archive = await openMessageArchive({
    storage: createFileArchiveStorage(directory),
    cipher,
    logger: consoleLogger('bench', 'error'),
  });
  await keepBenchMessages(archive, count, fakeRooms, spacingMs);
  return archive;
}

const fakeRooms = Array.from({ length: 20 }, (_, index) => `!room${index}:trust-a.localhost`);

/** Keeps `count` bench messages in these rooms, one every `spacingMs` from `start`, a tenth edited, a tenth reacted to. */
export async function keepBenchMessages(
  archive: MessageArchive,
  count: number,
  roomIds: readonly string[],
  spacingMs = 60_000,
  start = benchStart,
): Promise<void> {
  for (let from = 0; from < count; from += 500) {
    const messages: ArchivedMessage[] = [];
    const relations: MessageRelation[] = [];
    for (let index = from; index < Math.min(count, from + 500); index++) {
      const eventId = `$bench-${index}`;
      const roomId = roomIds[index % roomIds.length] ?? '';
      const sentAt = start + index * spacingMs;
      messages.push({
        eventId,
        roomId,
        sender,
        sentAt,
        msgtype: 'm.text',
        body: note(index),
        encrypted: true,
      });
      const base = { roomId, sender, targetId: eventId, sentAt: sentAt + 1 };
      if (index % 10 === 0)
        relations.push({
          kind: 'edit',
          id: `${eventId}-e`,
          ...base,
          msgtype: 'm.text',
          body: `${note(index)} (corrected)`,
        });
      if (index % 10 === 5) relations.push({ kind: 'reaction', id: `${eventId}-r`, ...base, key: '👍' });
    }
    await archive.keep(messages, relations);
  }
}
