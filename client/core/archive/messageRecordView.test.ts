import { describe, expect, it } from 'vitest';
import { emptyRecord, withMessage, withRelation } from './messageRecord.ts';
import { messageNow, timelineItemForRecord } from './messageRecordView.ts';

const roomId = '!ward:trust-a.example';
const amelia = '@amelia:trust-a.example';
const sentAt = 1_700_000_000_000;
const kept = withMessage(emptyRecord('$m', roomId, sentAt), {
  eventId: '$m',
  roomId,
  sender: amelia,
  sentAt,
  msgtype: 'm.text',
  body: 'bed 4',
  encrypted: true,
});

describe('how an archived message reads', () => {
  it('shows as a timeline item with its latest edit and when it was made, sent when it is the clinician own', () => {
    const edited = withRelation(kept, {
      kind: 'edit',
      id: '$e',
      roomId,
      sender: amelia,
      sentAt: sentAt + 60_000,
      targetId: '$m',
      msgtype: 'm.text',
      body: 'bed 5',
    });
    expect(timelineItemForRecord(edited, '@someone:trust-a.example')).toEqual({
      id: '$m',
      roomId,
      sender: amelia,
      sentAt,
      kind: 'message',
      msgtype: 'm.text',
      body: 'bed 5',
      editedAt: sentAt + 60_000,
      reactions: [],
      target: null,
      membership: null,
      encrypted: true,
      decryption: 'decrypted',
      failureReason: null,
      sendStatus: null,
      urgent: false,
      replyTo: null,
    });
    expect(timelineItemForRecord(edited, amelia)?.sendStatus).toBe('sent');
    expect(messageNow(edited)?.body).toBe('bed 5');
  });

  it('shows a redacted message as deleted, with no text, and no message for it', () => {
    const deleted = withRelation(kept, {
      kind: 'redaction',
      id: '$r',
      roomId,
      sender: amelia,
      sentAt: sentAt + 1,
      targetId: '$m',
      senderMayRedactOthers: false,
    });
    expect(timelineItemForRecord(deleted, amelia)).toMatchObject({
      kind: 'deleted',
      body: null,
      msgtype: null,
    });
    expect(messageNow(deleted)).toBeUndefined();
  });

  it('shows nothing while only relations to the message have arrived', () => {
    expect(timelineItemForRecord(emptyRecord('$m', roomId, sentAt), amelia)).toBeUndefined();
    expect(messageNow(emptyRecord('$m', roomId, sentAt))).toBeUndefined();
  });
});
