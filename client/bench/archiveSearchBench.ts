// How long an offline search of the archive takes, as a scan of its decrypted records (there is no index): an
// archive of 1,000, 10,000 and 30,000 messages (a busy clinician's 90 days is a few thousand) in 20 rooms, a tenth
// edited and a tenth reacted to, in one-file-per-record storage as under Node. Each search is set against reading
// and decrypting every record (the baseline, measured in the same run), so the ratio shows what matching costs on
// top of the scan. Run: npm run bench -w client.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArchiveCipher } from '../core/archive/archiveCipher.ts';
import { openMessageArchive, type MessageArchive } from '../core/archive/messageArchive.ts';
import type { ArchivedMessage } from '../core/archive/archivedMessage.ts';
import { searchOpenArchive } from '../core/search/searchArchive.ts';
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
const start = Date.UTC(2026, 0, 1);
const sender = '@bench:trust-a.localhost';

function note(index: number): string {
  const pick = (offset: number) => words[(index * 7 + offset * 3) % words.length] ?? 'note';
  return `Note ${index}: ${pick(0)} ${pick(1)} bed ${index % 30}, ${pick(2)} at ${index % 24}:00 please ${pick(3)}`;
}

async function seeded(directory: string, count: number): Promise<MessageArchive> {
  const cipher = await createArchiveCipher(randomBytes(32), (length) => randomBytes(length));
  const archive = await openMessageArchive({
    storage: createFileArchiveStorage(directory),
    cipher,
    logger: consoleLogger('bench', 'error'),
  });
  for (let from = 0; from < count; from += 500) {
    const messages: ArchivedMessage[] = [];
    const relations: MessageRelation[] = [];
    for (let index = from; index < Math.min(count, from + 500); index++) {
      const eventId = `$bench-${index}`;
      const roomId = `!room${index % 20}:trust-a.localhost`;
      const sentAt = start + index * 60_000;
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
  return archive;
}

async function median(times: number, run: () => Promise<unknown>): Promise<number> {
  const taken: number[] = [];
  for (let round = 0; round < times; round++) {
    const began = performance.now();
    await run();
    taken.push(performance.now() - began);
  }
  taken.sort((a, b) => a - b);
  return taken[Math.floor(taken.length / 2)] ?? Number.NaN;
}

for (const count of [1_000, 10_000, 30_000]) {
  const directory = await mkdtemp(join(tmpdir(), 'bleep-search-bench-'));
  try {
    const archive = await seeded(directory, count);
    const rounds = count > 10_000 ? 3 : 5;
    const scan = await median(rounds, () => archive.allRecords());
    const everywhere = await median(rounds, () => searchOpenArchive(archive, { text: 'sepsis corrected' }));
    const inRoom = { text: 'bed', roomId: '!room3:trust-a.localhost' };
    const oneRoom = await median(rounds, () => searchOpenArchive(archive, inRoom));
    const found = (await searchOpenArchive(archive, { text: 'sepsis corrected' })).length;
    const foundInRoom = (await searchOpenArchive(archive, inRoom)).length;
    console.log(
      `${String(count).padStart(6)} messages: read+decrypt all ${scan.toFixed(0)} ms; ` +
        `search all ${everywhere.toFixed(0)} ms (${(everywhere / scan).toFixed(2)}x the scan, ${found} found); ` +
        `search one room of 20 ${oneRoom.toFixed(0)} ms (${(oneRoom / scan).toFixed(2)}x, ${foundInRoom} found)`,
    );
    await archive.close();
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
