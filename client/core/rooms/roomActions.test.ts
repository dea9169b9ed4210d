import type { MatrixClient } from 'matrix-js-sdk';
import { describe, expect, it } from 'vitest';
import { decryptAttachment, type AttachmentKey } from '../attachments/attachmentCipher.ts';
import { IdentityChangedError } from '../errors/clientErrors.ts';
import { createRoomActions } from './roomActions.ts';

const roomId = '!referral:trust-a.example';
const me = '@amelia:trust-a.example';
const bob = '@bob:trust-b.example';
const randomBytes = (length: number) => crypto.getRandomValues(new Uint8Array(length));
const letterText = 'Mrs Edith Crawley, NHS 943 476 5919: discharge letter';
const letter = new TextEncoder().encode(letterText);

/** Just enough of matrix-js-sdk's client for the send-safety guard and a send: a room, its members, rust crypto. */
function stubClient(options: { roomKnown: boolean; changedIdentity: () => boolean }) {
  const sent: Record<string, unknown>[] = [];
  const member = (userId: string) => ({ userId });
  const client = {
    getRoom: () =>
      options.roomKnown
        ? { getJoinedMembers: () => [member(me), member(bob)], getMembersWithMembership: () => [] }
        : null,
    getCrypto: () => ({
      isEncryptionEnabledInRoom: () => Promise.resolve(true),
      getUserDeviceInfo: () => Promise.resolve(new Map()),
      getUserVerificationStatus: (userId: string) =>
        Promise.resolve({ needsUserApproval: userId === bob && options.changedIdentity() }),
    }),
    getSafeUserId: () => me,
    sendMessage: (_roomId: string, content: Record<string, unknown>) => {
      sent.push(content);
      return Promise.resolve({ event_id: '$sent' });
    },
  };
  // The stub stands in for the SDK's client, whose type has hundreds of members this send never touches.
  return { client: client as unknown as MatrixClient, sent };
}

const noQueue = () => Promise.reject(new Error('nothing is queued in these tests'));

function uploads() {
  const uploaded: Uint8Array[] = [];
  return {
    uploaded,
    upload: (bytes: Uint8Array) => {
      uploaded.push(bytes.slice());
      return Promise.resolve(`mxc://trust-a.example/m${uploaded.length}`);
    },
  };
}

const attachment = { name: 'crawley.txt', mimetype: 'text/plain', bytes: letter };

describe('sending an attachment', () => {
  it('uploads only ciphertext and sends the key inside the message content', async () => {
    const { client, sent } = stubClient({ roomKnown: true, changedIdentity: () => false });
    const media = uploads();
    const actions = createRoomActions(
      client,
      'http://127.0.0.1:8008',
      { upload: media.upload, randomBytes },
      noQueue,
    );
    expect(await actions.sendAttachment(roomId, attachment)).toBe('$sent');
    expect(media.uploaded).toHaveLength(1);
    const [uploaded] = media.uploaded;
    expect(Buffer.from(uploaded ?? []).includes(Buffer.from('Crawley'))).toBe(false);
    const [content] = sent;
    expect(content).toMatchObject({
      msgtype: 'm.file',
      body: 'crawley.txt',
      info: { mimetype: 'text/plain', size: letter.length },
      file: { url: 'mxc://trust-a.example/m1', v: 'v2' },
    });
    const file = content?.file as AttachmentKey;
    expect(Buffer.from(await decryptAttachment(uploaded ?? new Uint8Array(), file)).toString()).toBe(
      letterText,
    );
  });

  it('uploads nothing to a room not yet known to be encrypted here', async () => {
    const { client, sent } = stubClient({ roomKnown: false, changedIdentity: () => false });
    const media = uploads();
    const actions = createRoomActions(
      client,
      'http://127.0.0.1:8008',
      { upload: media.upload, randomBytes },
      noQueue,
    );
    await expect(actions.sendAttachment(roomId, attachment)).rejects.toThrow(/not yet known to be encrypted/);
    expect(media.uploaded).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('uploads nothing to a room with a colleague whose identity changed', async () => {
    const { client, sent } = stubClient({ roomKnown: true, changedIdentity: () => true });
    const media = uploads();
    const actions = createRoomActions(
      client,
      'http://127.0.0.1:8008',
      { upload: media.upload, randomBytes },
      noQueue,
    );
    await expect(actions.sendAttachment(roomId, attachment)).rejects.toBeInstanceOf(IdentityChangedError);
    expect(media.uploaded).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('sends no message when an identity changes while the file uploads', async () => {
    let changed = false;
    const { client, sent } = stubClient({ roomKnown: true, changedIdentity: () => changed });
    const media = uploads();
    const upload = async (bytes: Uint8Array) => {
      changed = true;
      return media.upload(bytes);
    };
    const actions = createRoomActions(client, 'http://127.0.0.1:8008', { upload, randomBytes }, noQueue);
    await expect(actions.sendAttachment(roomId, attachment)).rejects.toBeInstanceOf(IdentityChangedError);
    expect(sent).toEqual([]);
  });
});

describe('sending a reply', () => {
  it('sends the reply relation inside the content given to the SDK to encrypt', async () => {
    const { client, sent } = stubClient({ roomKnown: true, changedIdentity: () => false });
    const actions = createRoomActions(
      client,
      'http://127.0.0.1:8008',
      { upload: noUpload, randomBytes },
      noQueue,
    );
    expect(await actions.sendText(roomId, 'Will repeat the bloods', { replyTo: '$original' })).toBe('$sent');
    expect(sent).toEqual([
      {
        msgtype: 'm.text',
        body: 'Will repeat the bloods',
        'uk.nhs.bleep.reply_to': '$original',
      },
    ]);
  });

  it("sends nothing for a reply to a local echo's temporary id", async () => {
    const { client, sent } = stubClient({ roomKnown: true, changedIdentity: () => false });
    const actions = createRoomActions(
      client,
      'http://127.0.0.1:8008',
      { upload: noUpload, randomBytes },
      noQueue,
    );
    await expect(actions.sendText(roomId, 'Seen', { replyTo: '~bleep-1' })).rejects.toThrow(TypeError);
    expect(sent).toEqual([]);
  });
});

function noUpload(): Promise<string> {
  return Promise.reject(new Error('nothing is uploaded for a text message'));
}
