import { describe, expect, it } from 'vitest';
import { partCount } from '../archive/archivedAttachment.ts';
import { runExpirySweep, dayMs } from '../expiry/expirySweep.ts';
import type { LegalHoldAnswer } from '../expiry/legalHolds.ts';
import { arthur, edith, noon, patientArchive, taggedMessage, ward } from './patientArchive.testkit.ts';
import { fileToRecord } from './patientFiling.ts';
import { messagesAboutPatient } from './patientMessages.ts';

const by = '@amelia:trust-a.example';
const decoder = new TextDecoder('latin1');
const rawBytes = (records: Map<string, Uint8Array>) =>
  [...records.values()].map((bytes) => decoder.decode(bytes)).join('');

describe('filing a patient’s messages to their record', () => {
  it('marks the named messages filed (and only this patient’s), and audits it', async () => {
    const { archive, audit, clock } = await patientArchive();
    await archive.keep([
      taggedMessage('$a', noon - 2000, edith),
      taggedMessage('$b', noon - 1000, edith),
      taggedMessage('$arthur', noon - 1000, arthur),
    ]);
    clock.set(noon + 5000);
    const outcome = await fileToRecord({ archive, audit, clock, by }, edith, ['$a', '$arthur', '$unknown'], {
      deleteLocally: false,
    });
    expect(outcome.filed.map((record) => record.eventId)).toEqual(['$a']);
    expect(outcome.deletedEventIds).toEqual([]);
    const found = await messagesAboutPatient(archive, edith);
    expect(found.map((message) => [message.eventId, message.filedAt])).toEqual([
      ['$b', null],
      ['$a', noon + 5000],
    ]);
    expect((await messagesAboutPatient(archive, arthur))[0]?.filedAt).toBeNull();
    const entries = await audit.entriesFor(edith);
    expect(entries).toEqual([
      { action: 'filed', at: noon + 5000, by, patientTag: expect.any(String) as string, messageCount: 1 },
    ]);
  });

  it('deletes filed messages from the archive’s storage when asked, and audits both steps', async () => {
    const { archive, audit, clock, storage } = await patientArchive();
    await archive.keep([taggedMessage('$a', noon, edith, { body: 'Edith Crawley, potassium 5.9' })]);
    const before = storage.records.size;
    const outcome = await fileToRecord({ archive, audit, clock, by }, edith, ['$a'], { deleteLocally: true });
    expect(outcome).toEqual({ filed: [], deletedEventIds: ['$a'] });
    expect(await messagesAboutPatient(archive, edith)).toEqual([]);
    expect(await archive.allRecords()).toEqual([]);
    // The message's record is gone; the two audit entries were added.
    expect([...storage.records.keys()].filter((name) => name.startsWith('m.'))).toEqual([]);
    expect(storage.records.size).toBe(before - 1 + 2);
    expect((await audit.entries()).map((entry) => entry.action)).toEqual(['filed', 'deleted-locally']);
  });
});

describe('a filed and deleted message with an attachment', () => {
  it('takes its file and thumbnail parts with it', async () => {
    const { archive, audit, clock, storage } = await patientArchive();
    const file = new TextEncoder().encode('Discharge letter, Edith Crawley');
    const thumbnail = new TextEncoder().encode('thumbnail of the letter');
    const attachment = {
      name: 'letter.txt',
      mimetype: 'text/plain',
      size: file.length,
      parts: partCount(file.length),
      thumbnail: {
        mimetype: 'image/png',
        size: thumbnail.length,
        w: 8,
        h: 8,
        parts: partCount(thumbnail.length),
      },
    };
    await archive.keep(
      [taggedMessage('$file', noon, edith, { msgtype: 'm.file', body: 'letter.txt', attachment })],
      [],
      new Map([['$file', { file, thumbnail }]]),
    );
    const parts = () => [...storage.records.keys()].filter((name) => name.startsWith('a.'));
    expect(parts()).toHaveLength(2);
    await fileToRecord({ archive, audit, clock, by }, edith, ['$file'], { deleteLocally: true });
    expect(parts()).toEqual([]);
    expect(await archive.allRecords()).toEqual([]);
  });
});

describe('the local patient audit', () => {
  it('holds no content and no NHS number: sealed, and the patient only as a keyed tag', async () => {
    const { archive, audit, clock, storage } = await patientArchive();
    await archive.keep([taggedMessage('$a', noon, edith, { body: 'Edith Crawley, potassium 5.9' })]);
    await fileToRecord({ archive, audit, clock, by }, edith, ['$a'], { deleteLocally: true });
    const raw = rawBytes(storage.records);
    for (const secret of [edith, '943 476 5919', 'Edith', 'potassium', by, '$a'])
      expect(raw).not.toContain(secret);
    const entries = await audit.entries();
    const opened = JSON.stringify(entries);
    for (const secret of [edith, 'Edith', 'potassium', '$a']) expect(opened).not.toContain(secret);
    expect(new Set(entries.map((entry) => entry.patientTag)).size).toBe(1);
    expect(entries[0]?.patientTag).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(await audit.entriesFor(arthur)).toEqual([]);
    expect(await audit.entriesFor(edith)).toHaveLength(2);
  });

  it('is left alone by the expiry sweep', async () => {
    const { archive, audit, clock } = await patientArchive();
    await audit.record({ action: 'exported', by, nhsNumber: edith, messageCount: 0 });
    clock.set(noon + 200 * dayMs);
    await runExpirySweep({
      archive,
      clock,
      clientDays: 90,
      legalHolds: () => Promise.resolve({ status: 'in-force', roomIds: [] }),
    });
    expect(await audit.entries()).toHaveLength(1);
  });
});

describe('patient-tagged messages and legal holds', () => {
  const holding = (roomIds: readonly string[]) => (): Promise<LegalHoldAnswer> =>
    Promise.resolve({ status: 'in-force', roomIds });
  const theatre = '!theatre:trust-a.example';

  it('keeps an unfiled patient message in a held room past clientDays, and sweeps one elsewhere', async () => {
    const { archive, clock } = await patientArchive();
    await archive.keep([
      taggedMessage('$held', noon, edith),
      taggedMessage('$free', noon, edith, { roomId: theatre }),
    ]);
    clock.set(noon + 91 * dayMs);
    await runExpirySweep({ archive, clock, clientDays: 90, legalHolds: holding([ward]) });
    expect((await messagesAboutPatient(archive, edith)).map((message) => message.eventId)).toEqual(['$held']);
    // Released: the next sweep deletes it.
    await runExpirySweep({ archive, clock, clientDays: 90, legalHolds: holding([]) });
    expect(await messagesAboutPatient(archive, edith)).toEqual([]);
  });

  it('deletes a filed message the clinician chose to delete, even in a held room', async () => {
    const { archive, audit, clock } = await patientArchive();
    await archive.keep([taggedMessage('$held', noon, edith)]);
    await fileToRecord({ archive, audit, clock, by }, edith, ['$held'], { deleteLocally: true });
    await runExpirySweep({ archive, clock, clientDays: 90, legalHolds: holding([ward]) });
    expect(await archive.allRecords()).toEqual([]);
  });
});
