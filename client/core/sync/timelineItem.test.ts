import { EventStatus, MatrixEvent } from 'matrix-js-sdk';
import { describe, expect, it } from 'vitest';
import { timelineItemFor } from './timelineItem.ts';

const me = '@amelia:trust-a.example';
const base = { room_id: '!ward:trust-a.example', origin_server_ts: 1_700_000_000_000 };

describe('a timeline item read from an SDK event', () => {
  it('keeps a text message as plain data', () => {
    const event = new MatrixEvent({
      ...base,
      event_id: '$1',
      sender: '@bob:trust-b.example',
      type: 'm.room.message',
      content: { msgtype: 'm.text', body: 'Bed 4 is ready' },
    });
    expect(timelineItemFor(event, me)).toEqual({
      id: '$1',
      roomId: base.room_id,
      sender: '@bob:trust-b.example',
      sentAt: base.origin_server_ts,
      kind: 'message',
      msgtype: 'm.text',
      body: 'Bed 4 is ready',
      editedAt: null,
      reactions: [],
      target: null,
      membership: null,
      encrypted: false,
      decryption: 'not-encrypted',
      failureReason: null,
      sendStatus: null,
    });
  });

  it('shows an encrypted event not yet decrypted as pending, with no body', () => {
    const event = new MatrixEvent({
      ...base,
      event_id: '$2',
      sender: '@bob:trust-b.example',
      type: 'm.room.encrypted',
      content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AwgA', session_id: 's', sender_key: 'k' },
    });
    expect(timelineItemFor(event, me)).toMatchObject({
      kind: 'encrypted',
      decryption: 'pending',
      body: null,
    });
  });

  it("marks the clinician's own local echo as sending, and as sent once the server has it", () => {
    const event = new MatrixEvent({
      ...base,
      event_id: '~local',
      sender: me,
      type: 'm.room.message',
      content: { msgtype: 'm.text', body: 'On my way' },
    });
    event.setStatus(EventStatus.SENDING);
    expect(timelineItemFor(event, me)?.sendStatus).toBe('sending');
    event.setStatus(EventStatus.NOT_SENT);
    expect(timelineItemFor(event, me)?.sendStatus).toBe('failed');
    event.setStatus(null);
    expect(timelineItemFor(event, me)?.sendStatus).toBe('sent');
  });

  it('keeps a membership change, and leaves out state the timeline does not show', () => {
    const join = new MatrixEvent({
      ...base,
      event_id: '$3',
      sender: '@bob:trust-b.example',
      type: 'm.room.member',
      state_key: '@bob:trust-b.example',
      content: { membership: 'join' },
    });
    expect(timelineItemFor(join, me)).toMatchObject({
      kind: 'membership',
      target: '@bob:trust-b.example',
      membership: 'join',
    });
    const topic = new MatrixEvent({
      ...base,
      event_id: '$4',
      sender: me,
      type: 'm.room.topic',
      state_key: '',
    });
    expect(timelineItemFor(topic, me)).toBeUndefined();
  });

  it('shows the text as sent, not the edit the SDK puts in its place (the archive applies edits itself)', () => {
    const original = new MatrixEvent({
      ...base,
      event_id: '$5',
      sender: '@bob:trust-b.example',
      type: 'm.room.message',
      content: { msgtype: 'm.text', body: 'Bed 4 is ready' },
    });
    const edit = new MatrixEvent({
      ...base,
      event_id: '$6',
      sender: '@bob:trust-b.example',
      type: 'm.room.message',
      content: {
        msgtype: 'm.text',
        body: '* Bed 5 is ready',
        'm.new_content': { msgtype: 'm.text', body: 'Bed 5 is ready' },
        'm.relates_to': { rel_type: 'm.replace', event_id: '$5' },
      },
    });
    original.makeReplaced(edit);
    expect(original.getContent().body).toBe('Bed 5 is ready');
    expect(timelineItemFor(original, me)?.body).toBe('Bed 4 is ready');
  });

  it('makes no item of an edit or a reaction: they are relations to a message', () => {
    const edit = new MatrixEvent({
      ...base,
      event_id: '$7',
      sender: '@bob:trust-b.example',
      type: 'm.room.message',
      content: {
        body: '* corrected',
        'm.new_content': { msgtype: 'm.text', body: 'corrected' },
        'm.relates_to': { rel_type: 'm.replace', event_id: '$5' },
      },
    });
    const reaction = new MatrixEvent({
      ...base,
      event_id: '$8',
      sender: '@bob:trust-b.example',
      type: 'm.reaction',
      content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$5', key: '👍' } },
    });
    expect(timelineItemFor(edit, me)).toBeUndefined();
    expect(timelineItemFor(reaction, me)).toBeUndefined();
  });

  it('shows a message the server sent already redacted as deleted, with no text', () => {
    const event = new MatrixEvent({
      ...base,
      event_id: '$9',
      sender: '@bob:trust-b.example',
      type: 'm.room.message',
      content: {},
      unsigned: {
        redacted_because: {
          event_id: '$10',
          sender: '@bob:trust-b.example',
          type: 'm.room.redaction',
          origin_server_ts: base.origin_server_ts + 1,
          room_id: base.room_id,
          content: {},
          unsigned: {},
        },
      },
    });
    expect(timelineItemFor(event, me)).toMatchObject({ kind: 'deleted', body: null, msgtype: null });
  });
});
