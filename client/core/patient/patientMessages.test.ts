import { describe, expect, it } from 'vitest';
import { InvalidNhsNumberError } from '../errors/clientErrors.ts';
import type { MessageRelation } from '../stores/timelineSlice.ts';
import {
  amelia,
  arthur,
  bob,
  edith,
  noon,
  patientArchive,
  taggedMessage,
  ward,
} from './patientArchive.testkit.ts';
import { messagesAboutPatient } from './patientMessages.ts';

const hourMs = 3_600_000;

const edit = (
  id: string,
  targetId: string,
  body: string,
  sentAt: number,
  sender = amelia,
): MessageRelation => ({
  kind: 'edit',
  id,
  roomId: ward,
  sender,
  sentAt,
  targetId,
  msgtype: 'm.text',
  body,
});

describe('the messages about a patient (subject access)', () => {
  it("finds every message tagged with the patient's NHS number, newest first, and no other patient's", async () => {
    const { archive } = await patientArchive();
    await archive.keep([
      taggedMessage('$old', noon - 3 * hourMs, edith),
      taggedMessage('$other', noon - 2 * hourMs, arthur),
      taggedMessage('$untagged', noon - 2 * hourMs, undefined, {
        body: 'Edith 943 476 5919 in the text only',
      }),
      taggedMessage('$new', noon - hourMs, edith, { sender: bob }),
      taggedMessage('$elsewhere', noon - 90 * 60_000, edith, { roomId: '!theatre:trust-a.example' }),
    ]);
    const found = await messagesAboutPatient(archive, '943 476 5919', (roomId) =>
      roomId === ward ? 'Ward 12 handover' : undefined,
    );
    expect(found.map((message) => message.eventId)).toEqual(['$new', '$elsewhere', '$old']);
    expect(found[0]).toEqual({
      eventId: '$new',
      roomId: ward,
      roomName: 'Ward 12 handover',
      sender: bob,
      sentAt: noon - hourMs,
      editedAt: null,
      msgtype: 'm.text',
      text: 'About the patient ($new)',
      nhsNumber: edith,
      filedAt: null,
    });
    expect(found[1]?.roomName).toBeNull();
  });

  it("shows a message's latest text by its sender, and its tag survives the edit", async () => {
    const { archive } = await patientArchive();
    await archive.keep(
      [taggedMessage('$m', noon - hourMs, edith)],
      [
        edit('$e1', '$m', 'K+ 5.9, repeat', noon - 50 * 60_000),
        edit('$e2', '$m', 'K+ 5.9, repeat at 14:00', noon - 40 * 60_000),
        edit('$not-hers', '$m', 'tampered', noon - 30 * 60_000, bob),
      ],
    );
    const [message] = await messagesAboutPatient(archive, edith);
    expect(message?.text).toBe('K+ 5.9, repeat at 14:00');
    expect(message?.editedAt).toBe(noon - 40 * 60_000);
  });

  it('never finds a redacted message, and the redaction erases its tag from the record', async () => {
    const { archive } = await patientArchive();
    await archive.keep(
      [taggedMessage('$kept', noon - 2 * hourMs, edith), taggedMessage('$gone', noon - hourMs, edith)],
      [
        {
          kind: 'redaction',
          id: '$r',
          roomId: ward,
          sender: amelia,
          sentAt: noon,
          targetId: '$gone',
          senderMayRedactOthers: false,
        },
      ],
    );
    expect((await messagesAboutPatient(archive, edith)).map((message) => message.eventId)).toEqual(['$kept']);
    const gone = (await archive.allRecords()).find((record) => record.eventId === '$gone');
    expect(gone?.deletedAt).toBe(noon);
    expect(gone?.patient).toBeUndefined();
  });

  it('keeps the tag when the same message is kept again without it (a later sync)', async () => {
    const { archive } = await patientArchive();
    await archive.keep([taggedMessage('$m', noon, edith)]);
    await archive.keep([taggedMessage('$m', noon, undefined)]);
    expect(await messagesAboutPatient(archive, edith)).toHaveLength(1);
  });

  it('refuses an invalid NHS number rather than finding nothing', async () => {
    const { archive } = await patientArchive();
    await expect(messagesAboutPatient(archive, '9434765918')).rejects.toBeInstanceOf(InvalidNhsNumberError);
  });
});
