import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../platform.testkit.ts';
import type { MessageRelation } from '../stores/timelineSlice.ts';
import type { ArchivedMessage } from './archivedMessage.ts';
import { createArchiveCipher } from './archiveCipher.ts';
import { hourMs } from './archiveRecordName.ts';
import { createMemoryArchiveStorage } from './memoryArchiveStorage.testkit.ts';
import { ArchiveClosedError, openMessageArchive } from './messageArchive.ts';
import { timelineItemForRecord } from './messageRecordView.ts';

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

const room = '!cardiology:trust-a.localhost';
const amelia = '@amelia.hart:trust-a.localhost';
const bob = '@bob.jones:trust-a.localhost';

function edit(id: string, targetId: string, body: string, sentAt: number, sender = amelia): MessageRelation {
  return { kind: 'edit', id, roomId: room, sender, sentAt, targetId, msgtype: 'm.text', body };
}
function reaction(id: string, targetId: string, sentAt: number, sender = bob): MessageRelation {
  return { kind: 'reaction', id, roomId: room, sender, sentAt, targetId, key: '👍' };
}
function redaction(targetId: string, sender: string, sentAt: number): MessageRelation {
  return {
    kind: 'redaction',
    id: `$redacts-${targetId}`,
    roomId: room,
    sender,
    sentAt,
    targetId,
    senderMayRedactOthers: false,
  };
}

/** Every record opened with the archive's key: the plaintext a thief with the key would read. */
async function openedRecords(storage: ReturnType<typeof createMemoryArchiveStorage>, key: Uint8Array) {
  const cipher = await createArchiveCipher(key, randomBytes);
  const opened = await Promise.all(
    [...storage.records].map(async ([name, bytes]) =>
      new TextDecoder().decode(await cipher.open(name, bytes)),
    ),
  );
  return opened.join('\n');
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

  it("keeps a message's edits and reactions in its own record, across a restart", async () => {
    const { archive, storage, key } = await archiveOver();
    await archive.keep([message('$1', now)]);
    const changed = await archive.keep(
      [],
      [edit('$e1', '$1', 'Bed 5, not bed 4', now + 1000), reaction('$r1', '$1', now + 2000)],
    );
    expect(changed.map((record) => record.eventId)).toEqual(['$1']);
    expect(storage.records.size).toBe(1);
    const { archive: reopened } = await archiveOver(storage, key);
    const [record] = await reopened.roomRecords(room);
    expect(record).toMatchObject({ eventId: '$1', sentAt: now, reactions: [{ eventId: '$r1', key: '👍' }] });
    expect((await reopened.roomMessages(room)).map((m) => m.body)).toEqual(['Bed 5, not bed 4']);
  });

  it('keeps the message a reply answers through an edit and a restart, and shows it from the archive', async () => {
    const { archive, storage, key } = await archiveOver();
    await archive.keep([message('$reply', now, { replyTo: '$original' })]);
    await archive.keep([], [edit('$e1', '$reply', 'Will repeat the bloods at 14:00', now + 1000)]);
    const { archive: reopened } = await archiveOver(storage, key);
    const [record] = await reopened.roomRecords(room);
    expect(record && timelineItemForRecord(record, bob)).toMatchObject({
      id: '$reply',
      body: 'Will repeat the bloods at 14:00',
      editedAt: now + 1000,
      replyTo: '$original',
    });
  });

  it('erases a redacted message from every record: no byte of its text or its edits, opened or not', async () => {
    const { archive, storage, key } = await archiveOver();
    await archive.keep([message('$1', now), message('$2', now + 1)]);
    await archive.keep(
      [],
      [edit('$e1', '$1', 'Crawley moved to bed 5', now + 1000), reaction('$r1', '$1', now + 2)],
    );
    // After a restart, so the redaction is applied to what was read back from storage.
    const { archive: reopened } = await archiveOver(storage, key);
    await reopened.keep([], [redaction('$1', amelia, now + 3000)]);
    const opened = await openedRecords(storage, key);
    expect(opened).not.toContain('($1)');
    expect(opened).not.toContain('bed 5');
    expect(opened).toContain('($2)');
    expect(allBytes(storage).includes(Buffer.from('Crawley'))).toBe(false);
    const [deleted] = await reopened.roomRecords(room);
    expect(deleted).toMatchObject({
      eventId: '$1',
      content: null,
      deletedAt: now + 3000,
      edits: [],
      reactions: [],
    });
    expect((await reopened.roomMessages(room)).map((m) => m.eventId)).toEqual(['$2']);
  });

  it('finds the message of a redacted reaction or edit after a restart, by reading the records once', async () => {
    const { archive, storage, key } = await archiveOver();
    await archive.keep([message('$1', now)]);
    await archive.keep(
      [],
      [
        reaction('$r1', '$1', now + 1),
        edit('$e1', '$1', 'first fix', now + 2),
        edit('$e2', '$1', 'second fix', now + 3),
      ],
    );
    const { archive: reopened } = await archiveOver(storage, key);
    const [record] = await reopened.keep(
      [],
      [redaction('$r1', bob, now + 4), redaction('$e2', amelia, now + 5)],
    );
    expect(record).toMatchObject({ eventId: '$1', reactions: [] });
    expect((await reopened.roomMessages(room))[0]?.body).toBe('first fix');
    expect(await openedRecords(storage, key)).not.toContain('second fix');
  });

  it('drops a reaction redacted in the same batch it arrived in', async () => {
    const { archive } = await archiveOver();
    await archive.keep(
      [message('$1', now)],
      [reaction('$r1', '$1', now + 1), redaction('$r1', bob, now + 2)],
    );
    expect((await archive.allRecords())[0]?.reactions).toEqual([]);
  });

  it('keeps nothing for a redaction of an event it never kept', async () => {
    const { archive, storage } = await archiveOver();
    await archive.keep([message('$1', now)]);
    expect(await archive.keep([], [redaction('$membership', bob, now)])).toEqual([]);
    expect(storage.records.size).toBe(1);
  });

  it("sweeps a message's edits and reactions with it, by the message's send time, not theirs", async () => {
    const { archive, storage, key } = await archiveOver();
    const before = now - 90 * dayMs;
    await archive.keep([message('$old', before - 1), message('$new', before)]);
    // Edited and reacted to after the limit: still the original's age that counts.
    await archive.keep([], [edit('$e', '$old', 'late correction', now), reaction('$r', '$old', now)]);
    expect(await archive.sweep({ before, keepRoomIds: [] })).toMatchObject({ removed: 1, kept: 1 });
    expect(storage.records.size).toBe(1);
    expect(await openedRecords(storage, key)).not.toContain('late correction');
  });

  it('files relations that came before their message under their own time, then moves them to the message', async () => {
    const { archive, storage } = await archiveOver();
    await archive.keep([], [edit('$e', '$1', 'corrected', now + 5 * hourMs)]);
    expect(await archive.allMessages()).toEqual([]);
    const [pendingName] = [...storage.records.keys()];
    await archive.keep([message('$1', now)]);
    expect(storage.records.size).toBe(1);
    expect([...storage.records.keys()][0]).not.toBe(pendingName);
    expect((await archive.allMessages()).map((m) => [m.sentAt, m.body])).toEqual([[now, 'corrected']]);
  });

  it('reads a record kept before edits were (a bare message)', async () => {
    const { archive, storage, key } = await archiveOver();
    await archive.keep([message('$1', now)]);
    const [name] = [...storage.records.keys()];
    if (name === undefined) throw new Error('no record');
    const cipher = await createArchiveCipher(key, randomBytes);
    await storage.write(
      name,
      await cipher.seal(name, new TextEncoder().encode(JSON.stringify(message('$1', now)))),
    );
    const { archive: reopened } = await archiveOver(storage, key);
    expect(await reopened.allMessages()).toEqual([message('$1', now)]);
    await reopened.keep([], [edit('$e', '$1', 'corrected', now + 1)]);
    expect((await reopened.allMessages())[0]?.body).toBe('corrected');
  });
});
