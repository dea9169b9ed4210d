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
      urgent: false,
      replyTo: null,
    });
  });

  /** A message as it reads once decrypted: matrix-js-sdk keeps the clear event under an m.room.encrypted one. */
  function decrypted(eventId: string, content: Record<string, unknown>): MatrixEvent {
    const event = new MatrixEvent({
      ...base,
      event_id: eventId,
      sender: '@bob:trust-b.example',
      type: 'm.room.message',
      content,
    });
    event.makeEncrypted(
      'm.room.encrypted',
      { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AwgA' },
      'k',
      'k',
    );
    return event;
  }

  it('reads the urgent flag inside encrypted content, and never from plaintext', () => {
    const urgent = { msgtype: 'm.text', body: 'Crash call bed 2', 'uk.nhs.bleep.urgent': true };
    expect(timelineItemFor(decrypted('$u1', urgent), me)).toMatchObject({
      decryption: 'decrypted',
      urgent: true,
    });
    expect(timelineItemFor(decrypted('$u2', { ...urgent, 'uk.nhs.bleep.urgent': 'yes' }), me)?.urgent).toBe(
      false,
    );
    const plain = new MatrixEvent({
      ...base,
      event_id: '$u3',
      sender: '@bob:trust-b.example',
      type: 'm.room.message',
      content: urgent,
    });
    expect(timelineItemFor(plain, me)?.urgent).toBe(false);
  });

  it('reads the message a reply answers inside encrypted content, and never from plaintext', () => {
    const reply = {
      msgtype: 'm.text',
      body: 'Will repeat the bloods',
      'uk.nhs.bleep.reply_to': '$original',
    };
    expect(timelineItemFor(decrypted('$r1', reply), me)).toMatchObject({
      kind: 'message',
      body: 'Will repeat the bloods',
      replyTo: '$original',
    });
    const malformed = { ...reply, 'uk.nhs.bleep.reply_to': 42 };
    expect(timelineItemFor(decrypted('$r2', malformed), me)?.replyTo).toBeNull();
    expect(
      timelineItemFor(decrypted('$r3', { msgtype: 'm.text', body: 'No reply' }), me)?.replyTo,
    ).toBeNull();
    // In the clear a server could have read it, or made it up: it is shown as a message, not as a reply.
    const plain = new MatrixEvent({
      ...base,
      event_id: '$r4',
      sender: '@bob:trust-b.example',
      type: 'm.room.message',
      content: reply,
    });
    expect(timelineItemFor(plain, me)).toMatchObject({ kind: 'message', replyTo: null });
  });

  it("reads a referral's patient and reason inside encrypted content; a reason without a valid patient is no referral", () => {
    const referral = {
      msgtype: 'm.text',
      body: 'Referral: suspected cauda equina',
      'uk.nhs.bleep.patient': { nhs_number: '9434765919' },
      'uk.nhs.bleep.referral': { reason: 'suspected cauda equina' },
    };
    expect(timelineItemFor(decrypted('$r1', referral), me)).toMatchObject({
      patient: { nhsNumber: '9434765919', filedAt: null },
      referral: { reason: 'suspected cauda equina' },
    });
    const untagged = { ...referral, 'uk.nhs.bleep.patient': { nhs_number: '9434765918' } };
    expect(timelineItemFor(decrypted('$r2', untagged), me)?.referral).toBeUndefined();
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
