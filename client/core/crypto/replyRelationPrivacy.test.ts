import { MatrixEvent, type MatrixClient, type Room } from 'matrix-js-sdk';
import { describe, expect, it } from 'vitest';
import { keepReplyRelationsEncrypted, withoutClearReplyRelation } from './replyRelationPrivacy.ts';

const reply = { 'm.in_reply_to': { event_id: '$original' } };

/** Stands in for rust crypto: encrypts as it does, copying the content's m.relates_to into the clear part. */
function copyingEncryptor() {
  return {
    encryptEvent(event: MatrixEvent, _room: Room): Promise<void> {
      const relation = event.getContent()['m.relates_to'] as unknown;
      event.makeEncrypted(
        'm.room.encrypted',
        {
          algorithm: 'm.megolm.v1.aes-sha2',
          ciphertext: 'AwgA…',
          ...(relation === undefined ? {} : { 'm.relates_to': relation }),
        },
        'curve',
        'ed',
      );
      return Promise.resolve();
    },
  };
}

// The stand-in encryptor never reads the room.
const anyRoom = undefined as unknown as Room;

function clientWith(backend: unknown): MatrixClient {
  // Only getCrypto() is read; the SDK's client has hundreds of members this never touches.
  return { getCrypto: () => backend } as unknown as MatrixClient;
}

function outgoing(content: Record<string, unknown>): MatrixEvent {
  return new MatrixEvent({ type: 'm.room.message', room_id: '!r:x', sender: '@a:x', content });
}

describe('keeping a reply relation inside the ciphertext', () => {
  it("takes a reply's relation out of the encrypted event's clear content, and keeps it in the content as sent", async () => {
    const backend = copyingEncryptor();
    keepReplyRelationsEncrypted(clientWith(backend));
    const event = outgoing({ msgtype: 'm.text', body: 'Seen, will review', 'm.relates_to': reply });

    await backend.encryptEvent(event, anyRoom);

    expect(event.getWireType()).toBe('m.room.encrypted');
    expect(event.getWireContent()).toEqual({ algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AwgA…' });
    expect(event.getOriginalContent()['m.relates_to']).toEqual(reply);
  });

  it('leaves an edit relation in the clear, where the server needs it', async () => {
    const backend = copyingEncryptor();
    keepReplyRelationsEncrypted(clientWith(backend));
    const edit = { rel_type: 'm.replace', event_id: '$original' };
    const event = outgoing({ msgtype: 'm.text', body: '* fixed', 'm.relates_to': edit });

    await backend.encryptEvent(event, anyRoom);

    expect(event.getWireContent()['m.relates_to']).toEqual(edit);
  });

  it('refuses to start over a crypto backend it cannot wrap', () => {
    expect(() => {
      keepReplyRelationsEncrypted(clientWith({}));
    }).toThrow(/replies could not be kept/);
  });

  it('changes nothing without a reply-only relation', () => {
    const threaded = { rel_type: 'm.thread', event_id: '$root', 'm.in_reply_to': { event_id: '$x' } };
    expect(withoutClearReplyRelation({ ciphertext: 'c', 'm.relates_to': threaded })).toEqual({
      ciphertext: 'c',
      'm.relates_to': threaded,
    });
    expect(withoutClearReplyRelation({ ciphertext: 'c' })).toEqual({ ciphertext: 'c' });
  });
});
