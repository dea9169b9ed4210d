// What a clinician does to rooms through the core: open a referral room, invite, answer an invitation, send text or a
// file, correct or delete what they sent, react.
// Failures come back as the core's typed errors. The results arrive in the stores by sync, like everyone else's.
import { EventType, MsgType, ReceiptType, RelationType, type MatrixClient } from 'matrix-js-sdk';
import { attachmentContent, type OutgoingAttachment } from '../attachments/outgoingAttachment.ts';
import type { MediaUpload } from '../attachments/mediaUpload.ts';
import { sendBlockFor } from '../crypto/sendSafety.ts';
import { errorForSdkFailure } from '../errors/classifyFailure.ts';

export interface RoomActions {
  /** A new private, encrypted room with these clinicians invited (the gateway refuses any other shape). */
  openRoom(options: Readonly<{ name: string; invite: readonly string[] }>): Promise<string>;
  invite(roomId: string, userId: string): Promise<void>;
  join(roomId: string): Promise<void>;
  /** Sends a text message (encrypted, as every Bleep room is); resolves with its event id once the server has it. */
  sendText(roomId: string, body: string): Promise<string>;
  /**
   * Sends a file: encrypted here, its ciphertext uploaded, then an m.file (m.image for images) message carrying its
   * key, encrypted like any message; resolves with the event id. Nothing is uploaded to a room that may not be sent to.
   */
  sendAttachment(roomId: string, attachment: OutgoingAttachment): Promise<string>;
  /** Replaces the text of a message this clinician sent (an m.replace edit, encrypted like the message). */
  editText(roomId: string, eventId: string, body: string): Promise<string>;
  /** Reacts to a message with a key (an emoji); reactions travel in the clear, which the trust's policy allows. */
  react(roomId: string, eventId: string, key: string): Promise<string>;
  /** Deletes an event for everyone (a redaction): the server and every desktop's archive erase its content. */
  redact(roomId: string, eventId: string): Promise<string>;
  /** Tells the room this clinician has read up to this event (a read receipt, which the sender sees as delivered). */
  markRead(roomId: string, eventId: string): Promise<void>;
}

export type AttachmentSending = Readonly<{
  upload: MediaUpload;
  randomBytes: (length: number) => Uint8Array;
}>;

export function createRoomActions(
  client: MatrixClient,
  serverUrl: string,
  attachments: AttachmentSending,
): RoomActions {
  async function classified<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw errorForSdkFailure(serverUrl, error, 'session');
    }
  }
  /** Never in the clear, never to a changed identity (crypto/sendSafety.ts). */
  async function refuseUnlessSafe(roomId: string): Promise<void> {
    const block = await sendBlockFor(client, roomId);
    if (block?.reason === 'identity-changed') throw block.error;
    if (block) throw new Error('this room is not yet known to be encrypted here; nothing was sent');
  }
  return {
    openRoom: ({ name, invite }) =>
      classified(async () => {
        const { room_id: roomId } = await client.createRoom({
          name,
          invite: [...invite],
          initial_state: [
            { type: EventType.RoomEncryption, state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } },
          ],
        });
        return roomId;
      }),
    invite: (roomId, userId) =>
      classified(async () => {
        await client.invite(roomId, userId);
      }),
    join: (roomId) =>
      classified(async () => {
        await client.joinRoom(roomId);
      }),
    sendText: (roomId, body) =>
      classified(async () => {
        // A room made a moment ago may not be known as encrypted yet. (delivery/ waits and retries; this direct
        // send refuses instead.)
        await refuseUnlessSafe(roomId);
        const { event_id: eventId } = await client.sendMessage(roomId, { msgtype: MsgType.Text, body });
        return eventId;
      }),
    sendAttachment: (roomId, attachment) =>
      classified(async () => {
        // Checked before the upload (a refused room gets not even ciphertext) and again before the send: an
        // identity may change while a large file uploads.
        await refuseUnlessSafe(roomId);
        const content = await attachmentContent(attachment, attachments.upload, attachments.randomBytes);
        await refuseUnlessSafe(roomId);
        // The SDK types content by msgtype; this one is the spec's m.file/m.image with its encrypted `file`.
        const { event_id: eventId } = await client.sendMessage(roomId, content as never);
        return eventId;
      }),
    editText: (roomId, eventId, body) =>
      classified(async () => {
        await refuseUnlessSafe(roomId);
        const edit = await client.sendMessage(roomId, {
          msgtype: MsgType.Text,
          // What a client that does not read edits shows.
          body: `* ${body}`,
          'm.new_content': { msgtype: MsgType.Text, body },
          'm.relates_to': { rel_type: RelationType.Replace, event_id: eventId },
        });
        return edit.event_id;
      }),
    react: (roomId, eventId, key) =>
      classified(async () => {
        await refuseUnlessSafe(roomId);
        const reaction = await client.sendEvent(roomId, EventType.Reaction, {
          'm.relates_to': { rel_type: RelationType.Annotation, event_id: eventId, key },
        });
        return reaction.event_id;
      }),
    redact: (roomId, eventId) => classified(async () => (await client.redactEvent(roomId, eventId)).event_id),
    markRead: (roomId, eventId) =>
      classified(async () => {
        const event = client.getRoom(roomId)?.findEventById(eventId);
        if (!event) throw new Error(`event ${eventId} is not in this desktop's timeline of ${roomId}`);
        await client.sendReceipt(event, ReceiptType.Read);
      }),
  };
}
