import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../platform.testkit.ts';
import type { ArchivedMessage } from './archivedMessage.ts';
import { createArchiveCipher } from './archiveCipher.ts';
import { hourMs } from './archiveRecordName.ts';
import { createMemoryArchiveStorage } from './memoryArchiveStorage.testkit.ts';
import { ArchiveClosedError, openMessageArchive } from './messageArchive.ts';

const dayMs = 86_400_000;
const now = Date.UTC(2026, 10, 28, 12, 30);
const randomBytes = (length: number) => crypto.getRandomValues(new Uint8Array(length));

function message(eventId: string, sentAt: number, change: Partial<ArchivedMessage> = {}): ArchivedMessage {
  return {
    eventId,
    roomId: '!cardiology:trust-a.localhost',
    sender: '@amelia.hart:trust-a.localhost',
    sentAt,
    msgtype: 'm.text',
    body: `Patient Edith Crawley, NHS 943 476 5919 (${eventId})`,
    encrypted: true,
    ...change,
  };
}

async function archiveOver(storage = createMemoryArchiveStorage(), key = randomBytes(32)) {
  const cipher = await createArchiveCipher(key, randomBytes);
  const archive = await openMessageArchive({ storage, cipher, logger: recordingLogger() });
  return { archive, storage, key };
}

function allBytes(storage: ReturnType<typeof createMemoryArchiveStorage>): Buffer {
  return Buffer.concat(
    [...storage.records].flatMap(([name, bytes]) => [Buffer.from(name), Buffer.from(bytes)]),
  );
}

describe('the message archive', () => {
  it('keeps messages and gives them back by room, oldest first', async () => {
    const { archive } = await archiveOver();
    await archive.keep([message('$2', now - 1000), message('$1', now - 2000)]);
    await archive.keep([message('$3', now, { roomId: '!other:trust-a.localhost' })]);
    expect((await archive.roomMessages('!cardiology:trust-a.localhost')).map((m) => m.eventId)).toEqual([
      '$1',
      '$2',
    ]);
    expect((await archive.allMessages()).map((m) => m.eventId)).toEqual(['$1', '$2', '$3']);
    expect(archive.size).toBe(3);
  });

  it('keeps only ciphertext: no body, patient detail, room, event or sender in any name or byte', async () => {
    const { archive, storage } = await archiveOver();
    await archive.keep([message('$event-one', now)]);
    await archive.writeSweepRecord({
      sweptAt: now,
      clientDays: 90,
      oldestKeptAt: now,
      oldestOutsideHoldAt: now,
    });
    const everything = allBytes(storage);
    for (const secret of [
      'Edith Crawley',
      '943 476 5919',
      '9434765919',
      'cardiology',
      '$event-one',
      'amelia',
    ]) {
      expect(everything.includes(Buffer.from(secret))).toBe(false);
    }
  });

  it('survives a restart: a new archive over the same storage and key reads what was kept', async () => {
    const { archive, storage, key } = await archiveOver();
    await archive.keep([message('$1', now)]);
    const { archive: reopened } = await archiveOver(storage, key);
    expect(reopened.size).toBe(1);
    expect(await reopened.allMessages()).toEqual([message('$1', now)]);
  });

  it('keeps one record per event, even when its send time changes (local echo, then the server copy)', async () => {
    const { archive, storage } = await archiveOver();
    await archive.keep([message('$1', now - 3 * hourMs)]);
    await archive.keep([message('$1', now, { body: 'edited' })]);
    expect(storage.records.size).toBe(1);
    expect(await archive.allMessages()).toEqual([message('$1', now, { body: 'edited' })]);
  });

  it('sweeps what was sent before the limit, to the millisecond, and keeps what was sent after', async () => {
    const { archive } = await archiveOver();
    const before = now - 90 * dayMs;
    await archive.keep([
      message('$91days', now - 91 * dayMs),
      message('$justOver', before - 1),
      message('$exactly', before),
      message('$89days', now - 89 * dayMs),
    ]);
    const outcome = await archive.sweep({ before, keepRoomIds: [] });
    expect(outcome).toEqual({ removed: 2, kept: 2, oldestKeptAt: before, oldestOutsideHoldAt: before });
    expect((await archive.allMessages()).map((m) => m.eventId)).toEqual(['$exactly', '$89days']);
  });

  it('keeps a room under legal hold past the limit, and reports the oldest outside holds apart', async () => {
    const { archive } = await archiveOver();
    const held = '!inquiry:trust-a.localhost';
    await archive.keep([
      message('$held', now - 120 * dayMs, { roomId: held }),
      message('$old', now - 100 * dayMs),
      message('$new', now - dayMs),
    ]);
    const outcome = await archive.sweep({ before: now - 90 * dayMs, keepRoomIds: [held] });
    expect(outcome).toEqual({
      removed: 1,
      kept: 2,
      oldestKeptAt: now - 120 * dayMs,
      oldestOutsideHoldAt: now - dayMs,
    });
  });

  it('says the archive is empty with null', async () => {
    const { archive } = await archiveOver();
    expect(await archive.sweep({ before: now, keepRoomIds: [] })).toEqual({
      removed: 0,
      kept: 0,
      oldestKeptAt: null,
      oldestOutsideHoldAt: null,
    });
  });

  it('deletes a record that does not open (tampered, or from another key), and keeps reading the rest', async () => {
    const { archive, storage } = await archiveOver();
    await archive.keep([message('$1', now), message('$2', now + 1)]);
    const [name] = [...storage.records.keys()];
    if (name === undefined) throw new Error('no record');
    const bytes = storage.records.get(name);
    if (bytes === undefined) throw new Error('no bytes');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(await archive.allMessages()).toHaveLength(1);
    expect(storage.records.size).toBe(1);
  });

  it('remembers its last sweep across a restart', async () => {
    const { archive, storage, key } = await archiveOver();
    expect(await archive.readSweepRecord()).toBeUndefined();
    await archive.writeSweepRecord({
      sweptAt: now,
      clientDays: 90,
      oldestKeptAt: null,
      oldestOutsideHoldAt: null,
    });
    const { archive: reopened } = await archiveOver(storage, key);
    expect(await reopened.readSweepRecord()).toEqual({
      sweptAt: now,
      clientDays: 90,
      oldestKeptAt: null,
      oldestOutsideHoldAt: null,
    });
  });

  it('once closed, waits for writes in progress and refuses new ones', async () => {
    const { archive, storage } = await archiveOver();
    const writing = archive.keep([message('$1', now)]);
    await archive.close();
    await writing;
    expect(storage.records.size).toBe(1);
    await expect(archive.keep([message('$2', now)])).rejects.toBeInstanceOf(ArchiveClosedError);
    expect(storage.records.size).toBe(1);
  });
});
