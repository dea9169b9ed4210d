// What a clinician does to rooms through the core: open a referral room, invite, answer an invitation, send text.
// Failures come back as the core's typed errors. The results arrive in the stores by sync, like everyone else's.
import { EventType, MsgType, ReceiptType, type MatrixClient } from 'matrix-js-sdk';
import { errorForSdkFailure } from '../errors/classifyFailure.ts';

export interface RoomActions {
  /** A new private, encrypted room with these clinicians invited (the gateway refuses any other shape). */
  openRoom(options: Readonly<{ name: string; invite: readonly string[] }>): Promise<string>;
  invite(roomId: string, userId: string): Promise<void>;
  join(roomId: string): Promise<void>;
  /** Sends a text message (encrypted, as every Bleep room is); resolves with its event id once the server has it. */
  sendText(roomId: string, body: string): Promise<string>;
  /** Tells the room this clinician has read up to this event (a read receipt, which the sender sees as delivered). */
  markRead(roomId: string, eventId: string): Promise<void>;
}

export function createRoomActions(client: MatrixClient, serverUrl: string): RoomActions {
  async function classified<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw errorForSdkFailure(serverUrl, error, 'session');
    }
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
        // Never in the clear: the SDK sends the text as it is into a room it does not know yet, or before rust
        // crypto knows the room is encrypted (a room made a moment ago). (delivery/ waits and retries; this direct
        // send refuses instead.)
        if (!client.getRoom(roomId) || !(await client.getCrypto()?.isEncryptionEnabledInRoom(roomId))) {
          throw new Error('this room is not yet known to be encrypted here; nothing was sent');
        }
        const { event_id: eventId } = await client.sendMessage(roomId, { msgtype: MsgType.Text, body });
        return eventId;
      }),
    markRead: (roomId, eventId) =>
      classified(async () => {
        const event = client.getRoom(roomId)?.findEventById(eventId);
        if (!event) throw new Error(`event ${eventId} is not in this desktop's timeline of ${roomId}`);
        await client.sendReceipt(event, ReceiptType.Read);
      }),
  };
}
