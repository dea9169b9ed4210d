// What a clinician does to rooms through the core: open a team, direct or referral room, invite, answer an
// invitation, send text or a file, correct or delete what they sent, react, say they have read or are typing.
// Failures come back as the core's typed errors. The results arrive in the stores by sync, like everyone else's.
import { EventType, MsgType, ReceiptType, RelationType, type MatrixClient } from 'matrix-js-sdk';
import { attachmentContent, type OutgoingAttachment } from '../attachments/outgoingAttachment.ts';
import type { MediaUpload } from '../attachments/mediaUpload.ts';
import { sendBlockFor } from '../crypto/sendSafety.ts';
import { errorForSdkFailure } from '../errors/classifyFailure.ts';
import { BleepClientError, InvalidReferralError } from '../errors/clientErrors.ts';
import { serverNameOf } from './matrixUserId.ts';
import { existingDirectRoom, recordDirectRoom } from './directRooms.ts';
import type { WriteOptions } from '../delivery/deliveryQueue.ts';
import { referralContent } from './referralContent.ts';
import { textMessageContent } from './textMessageContent.ts';

export type ReferralRequest = Readonly<{
  /** The clinician at a partner trust the patient is referred to. */
  invite: string;
  /** The patient's NHS number (checked: Modulus 11); it travels only inside the encrypted referral message. */
  nhsNumber: string;
  /** Why: inside the encrypted referral message too, never in the room's name or state. */
  reason: string;
}>;

/** Queues a message for the delivery queue (kept, sent once the room is ready, exactly once). */
export type QueueMessage = (
  roomId: string,
  eventType: string,
  content: Record<string, unknown>,
  options?: WriteOptions,
) => Promise<unknown>;

export interface RoomActions {
  /** A new private, encrypted room with these clinicians invited (the gateway refuses any other shape). */
  openRoom(options: Readonly<{ name: string; invite: readonly string[] }>): Promise<string>;
  invite(roomId: string, userId: string): Promise<void>;
  join(roomId: string): Promise<void>;
  /** Leaves a room, or declines an invitation. */
  leave(roomId: string): Promise<void>;
  /**
   * A private encrypted room with one other clinician, in m.direct; the joined one already open with them if there
   * is one. Resolves with the room id.
   */
  openDirect(userId: string): Promise<string>;
  /**
   * A private encrypted room with a clinician at a partner trust, its first message carrying the patient's NHS number
   * and the reason inside encrypted content, queued for delivery and sent once the partner has joined (it shows in
   * the delivery slice as queued meanwhile); the room's name says only "Referral". Throws
   * InvalidNhsNumberError or InvalidReferralError (no reason, or a colleague at this trust) before anything is made.
   */
  openReferral(request: ReferralRequest): Promise<string>;
  /**
   * Sends a text message (encrypted, as every Bleep room is); resolves with its event id once the server has it.
   * `urgent`: flagged urgent inside the encrypted content; `replyTo`: the event id of the message it replies to,
   * also only inside the encrypted content (rooms/replyRelation.ts).
   */
  sendText(
    roomId: string,
    body: string,
    options?: Readonly<{ urgent?: boolean; replyTo?: string }>,
  ): Promise<string>;
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
  /** Marks the room read up to its latest event from the server (what opening a room does); nothing if it has none. */
  markLatestRead(roomId: string): Promise<void>;
  /** Tells the room this clinician is typing (for 30 s, or until false). */
  setTyping(roomId: string, typing: boolean): Promise<void>;
}

export type AttachmentSending = Readonly<{
  upload: MediaUpload;
  randomBytes: (length: number) => Uint8Array;
}>;

const encryptionState = {
  type: EventType.RoomEncryption,
  state_key: '',
  content: { algorithm: 'm.megolm.v1.aes-sha2' },
};

/** How long a typing notice lasts unless renewed or withdrawn. */
const typingTimeoutMs = 30_000;

export function createRoomActions(
  client: MatrixClient,
  serverUrl: string,
  attachments: AttachmentSending,
  queue: QueueMessage,
): RoomActions {
  async function classified<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      // The core's own refusals (a bad NHS number, a referral not to a partner) are already what the caller needs.
      if (error instanceof BleepClientError) throw error;
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
          initial_state: [encryptionState],
        });
        return roomId;
      }),
    openDirect: (userId) =>
      classified(async () => {
        const ownUserId = client.getSafeUserId();
        const existing = existingDirectRoom(client, ownUserId, userId);
        if (existing !== undefined) return existing;
        const { room_id: roomId } = await client.createRoom({
          is_direct: true,
          invite: [userId],
          initial_state: [encryptionState],
        });
        await recordDirectRoom(client, userId, roomId);
        return roomId;
      }),
    openReferral: ({ invite, nhsNumber, reason }) =>
      classified(async () => {
        // Checked before any room exists: a refused referral leaves nothing behind.
        const content = referralContent(nhsNumber, reason);
        if (serverNameOf(invite) === serverNameOf(client.getSafeUserId())) {
          throw new InvalidReferralError(
            'A referral goes to a clinician at a partner trust: for a colleague here, start a conversation.',
          );
        }
        const { room_id: roomId } = await client.createRoom({
          name: 'Referral',
          invite: [invite],
          initial_state: [encryptionState],
        });
        // Through the delivery queue, held until the partner has joined: a partner's homeserver starts its copy of the
        // room at the join, and the SDK shares a room key with a just-invited member's devices only if it already
        // knows them. Kept in the outbox meanwhile (it survives a restart); the room's later messages wait behind it.
        await queue(roomId, EventType.RoomMessage, content, { awaitsJoinOf: invite });
        return roomId;
      }),
    invite: (roomId, userId) =>
      classified(async () => {
        await client.invite(roomId, userId);
      }),
    join: (roomId) =>
      classified(async () => {
        // An invitation offered as direct (is_direct) goes into this clinician's m.direct too, once joined.
        const invitation = client.getRoom(roomId)?.getMember(client.getSafeUserId())?.events.member;
        await client.joinRoom(roomId);
        const inviter = invitation?.getSender();
        if (invitation?.getContent().is_direct === true && inviter !== undefined) {
          await recordDirectRoom(client, inviter, roomId);
        }
      }),
    leave: (roomId) =>
      classified(async () => {
        await client.leave(roomId);
      }),
    sendText: async (roomId, body, options = {}) => {
      // A reply to a local echo's temporary id is the caller's mistake: refused before anything is checked or sent.
      const content = textMessageContent(body, {
        urgent: options.urgent === true,
        ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
      });
      return classified(async () => {
        // A room made a moment ago may not be known as encrypted yet. (delivery/ waits and retries; this direct
        // send refuses instead.)
        await refuseUnlessSafe(roomId);
        // The SDK types content by msgtype; this is an m.text with Bleep's flags beside its body.
        const { event_id: eventId } = await client.sendMessage(roomId, content as never);
        return eventId;
      });
    },
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
    markLatestRead: (roomId) =>
      classified(async () => {
        const events = client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [];
        // A receipt names an event the server has: not a local echo still being sent.
        const latest = events.findLast(
          (event) => event.getId()?.startsWith('$') === true && event.status === null,
        );
        if (latest) await client.sendReceipt(latest, ReceiptType.Read);
      }),
    setTyping: (roomId, typing) =>
      classified(async () => {
        await client.sendTyping(roomId, typing, typingTimeoutMs);
      }),
  };
}
