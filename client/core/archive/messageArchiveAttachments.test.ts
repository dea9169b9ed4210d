import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../platform.testkit.ts';
import type { MessageRelation } from '../stores/timelineSlice.ts';
import { attachmentPartBytes, partCount, type ArchivedAttachment } from './archivedAttachment.ts';
import type { ArchivedMessage } from './archivedMessage.ts';
import { createArchiveCipher } from './archiveCipher.ts';
import type { AttachmentBytes } from './attachmentParts.ts';
import { createMemoryArchiveStorage } from './memoryArchiveStorage.testkit.ts';
import { openMessageArchive } from './messageArchive.ts';
import { timelineItemForRecord } from './messageRecordView.ts';

const dayMs = 86_400_000;
const now = Date.UTC(2026, 10, 28, 12, 30);
const room = '!cardiology:trust-a.localhost';
const amelia = '@amelia.hart:trust-a.localhost';
const randomBytes = (length: number) => crypto.getRandomValues(new Uint8Array(length));
const letterText = 'Discharge letter: Mrs Edith Crawley, NHS 943 476 5919, DOB 12/03/1941. Bed 4.';
const letter = new TextEncoder().encode(letterText);
const thumbnail = new TextEncoder().encode('PNG-ish thumbnail of Crawley x-ray');

function attachmentFor(bytes: AttachmentBytes, name = 'crawley-discharge.txt'): ArchivedAttachment {
  return {
    name,
    mimetype: 'text/plain',
    size: bytes.file.length,
    parts: partCount(bytes.file.length),
    thumbnail: bytes.thumbnail && {
      mimetype: 'image/png',
      size: bytes.thumbnail.length,
      w: 32,
      h: 24,
      parts: partCount(bytes.thumbnail.length),
    },
  };
}

function fileMessage(eventId: string, sentAt: number, bytes: AttachmentBytes): ArchivedMessage {
  return {
    eventId,
    roomId: room,
    sender: amelia,
    sentAt,
    msgtype: 'm.file',
    body: 'crawley-discharge.txt',
    encrypted: true,
    attachment: attachmentFor(bytes),
  };
}

async function archiveOver(storage = createMemoryArchiveStorage(), key = randomBytes(32)) {
  const cipher = await createArchiveCipher(key, randomBytes);
  const archive = await openMessageArchive({ storage, cipher, logger: recordingLogger() });
  return { archive, storage, key };
}

const partNames = (storage: ReturnType<typeof createMemoryArchiveStorage>) =>
  [...storage.records.keys()].filter((name) => name.startsWith('a.'));

function holds(storage: ReturnType<typeof createMemoryArchiveStorage>, text: string): boolean {
  return [...storage.records].some(
    ([name, bytes]) => name.includes(text) || Buffer.from(bytes).includes(Buffer.from(text)),
  );
}

describe("the archive's attachments", () => {
  it('keeps a file sealed beside its message, reads it back identical after a reopen, and shows plain data only', async () => {
    const { archive, storage, key } = await archiveOver();
    const bytes = { file: letter, thumbnail };
    const [record] = await archive.keep([fileMessage('$file', now, bytes)], [], new Map([['$file', bytes]]));
    expect(partNames(storage)).toHaveLength(2);
    for (const text of ['Crawley', '943 476 5919', 'crawley-discharge', room, '$file'])
      expect(holds(storage, text)).toBe(false);

    const reopened = (await archiveOver(storage, key)).archive;
    expect(Buffer.from((await reopened.readAttachment(room, '$file', 'file')) ?? []).toString()).toBe(
      letterText,
    );
    expect(await reopened.readAttachment(room, '$file', 'thumbnail')).toEqual(thumbnail);
    // Asked for under another room, it is not given.
    expect(await reopened.readAttachment('!other:trust-a.localhost', '$file', 'file')).toBeUndefined();

    const item = record && timelineItemForRecord(record, amelia);
    expect(item?.attachment).toEqual({
      name: 'crawley-discharge.txt',
      mimetype: 'text/plain',
      size: letter.length,
      kept: true,
      thumbnail: { mimetype: 'image/png', size: thumbnail.length, w: 32, h: 24 },
    });
  });

  it('cuts a large file into sealed parts of at most a megabyte and joins them back', async () => {
    const { archive, storage } = await archiveOver();
    const big = new Uint8Array(2 * attachmentPartBytes + 12_345).map((_, at) => at % 251);
    const bytes = { file: big, thumbnail: null };
    await archive.keep([fileMessage('$big', now, bytes)], [], new Map([['$big', bytes]]));
    expect(partNames(storage)).toHaveLength(3);
    for (const name of partNames(storage))
      expect(storage.records.get(name)?.length).toBeLessThanOrEqual(attachmentPartBytes + 29);
    expect(
      Buffer.from((await archive.readAttachment(room, '$big', 'file')) ?? []).equals(Buffer.from(big)),
    ).toBe(true);
  });

  it('gives nothing when a part was changed, swapped or deleted on disk', async () => {
    const { archive, storage } = await archiveOver();
    const big = new Uint8Array(attachmentPartBytes + 10).fill(7);
    const bytes = { file: big, thumbnail: null };
    await archive.keep([fileMessage('$big', now, bytes)], [], new Map([['$big', bytes]]));
    const [first, second] = partNames(storage).sort();
    if (first === undefined || second === undefined) throw new Error('expected two parts');
    const firstBytes = storage.records.get(first) ?? new Uint8Array();
    const secondBytes = storage.records.get(second) ?? new Uint8Array();

    storage.records.set(first, secondBytes);
    storage.records.set(second, firstBytes);
    expect(await archive.readAttachment(room, '$big', 'file')).toBeUndefined();

    const changed = firstBytes.slice();
    changed[40] = (changed[40] ?? 0) ^ 1;
    storage.records.set(first, changed);
    storage.records.set(second, secondBytes);
    expect(await archive.readAttachment(room, '$big', 'file')).toBeUndefined();

    storage.records.set(first, firstBytes);
    storage.records.delete(second);
    expect(await archive.readAttachment(room, '$big', 'file')).toBeUndefined();
  });

  it('does not fetch or write a kept file again when its message comes again (after a restart)', async () => {
    const { archive, storage } = await archiveOver();
    const bytes = { file: letter, thumbnail: null };
    await archive.keep([fileMessage('$file', now, bytes)], [], new Map([['$file', bytes]]));
    const written = new Map(storage.records);
    expect(await archive.attachmentKept('$file')).toBe(true);
    // Seen again without its bytes (the intake did not fetch a kept file): the record still says it is kept.
    const again = { ...fileMessage('$file', now, bytes), attachment: { ...attachmentFor(bytes), parts: 0 } };
    const [record] = await archive.keep([again]);
    expect(record?.content?.attachment?.parts).toBe(1);
    for (const name of partNames(storage)) expect(storage.records.get(name)).toBe(written.get(name));
    expect(Buffer.from((await archive.readAttachment(room, '$file', 'file')) ?? []).toString()).toBe(
      letterText,
    );
  });

  it('keeps a message whose file could not be had, shown as not kept', async () => {
    const { archive, storage } = await archiveOver();
    const message = { ...fileMessage('$gone', now, { file: letter, thumbnail: null }) };
    const [record] = await archive.keep([
      { ...message, attachment: { ...attachmentFor({ file: letter, thumbnail: null }), parts: 0 } },
    ]);
    expect(partNames(storage)).toEqual([]);
    expect(record && timelineItemForRecord(record, amelia)?.attachment?.kept).toBe(false);
    expect(await archive.readAttachment(room, '$gone', 'file')).toBeUndefined();
  });

  it('deletes the file and thumbnail with their message when the sweep expires it, and leaves a newer one', async () => {
    const { archive, storage } = await archiveOver();
    const bytes = { file: letter, thumbnail };
    await archive.keep(
      [fileMessage('$old', now - 91 * dayMs, bytes), fileMessage('$new', now - 89 * dayMs, bytes)],
      [],
      new Map([
        ['$old', bytes],
        ['$new', bytes],
      ]),
    );
    expect(partNames(storage)).toHaveLength(4);
    await archive.sweep({ before: now - 90 * dayMs, keepRoomIds: [] });
    expect(partNames(storage)).toHaveLength(2);
    expect(await archive.readAttachment(room, '$old', 'file')).toBeUndefined();
    expect(await archive.readAttachment(room, '$new', 'thumbnail')).toEqual(thumbnail);
  });

  it('deletes parts a crash left without their record at the next sweep', async () => {
    const { archive, storage, key } = await archiveOver();
    const bytes = { file: letter, thumbnail: null };
    await archive.keep([fileMessage('$file', now, bytes)], [], new Map([['$file', bytes]]));
    const [recordName] = [...storage.records.keys()].filter((name) => name.startsWith('m.'));
    if (recordName) storage.records.delete(recordName);
    const reopened = (await archiveOver(storage, key)).archive;
    await reopened.sweep({ before: now - 90 * dayMs, keepRoomIds: [] });
    expect(partNames(storage)).toEqual([]);
  });

  it('erases the file and thumbnail when the message is redacted', async () => {
    const { archive, storage } = await archiveOver();
    const bytes = { file: letter, thumbnail };
    await archive.keep([fileMessage('$file', now, bytes)], [], new Map([['$file', bytes]]));
    const redaction: MessageRelation = {
      kind: 'redaction',
      id: '$redaction',
      roomId: room,
      sender: amelia,
      sentAt: now + 1000,
      targetId: '$file',
      senderMayRedactOthers: false,
    };
    const [record] = await archive.keep([], [redaction]);
    expect(partNames(storage)).toEqual([]);
    expect(record && timelineItemForRecord(record, amelia)?.attachment).toBeUndefined();
    expect(await archive.readAttachment(room, '$file', 'file')).toBeUndefined();
  });
});
