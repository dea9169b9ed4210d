// The delivery queue wired to a running Matrix session: its outbox sealed with the archive's key in the archive's
// storage, each attempt sent through matrix-js-sdk with the message's own transaction id (the SDK encrypts it for
// the room's signed devices), failures read by the core's one classifier, the queue woken when sync is back, and
// sent messages marked delivered when every other joined member's read receipt reaches them.
import {
  ClientEvent,
  EventStatus,
  RoomEvent,
  RoomMemberEvent,
  SyncState,
  type MatrixClient,
} from 'matrix-js-sdk';
import { createArchiveCipher } from '../archive/archiveCipher.ts';
import { archiveKey } from '../archive/archiveKey.ts';
import { sendBlockFor } from '../crypto/sendSafety.ts';
import { errorForSdkFailure } from '../errors/classifyFailure.ts';
import { RateLimitedError, type BleepClientError } from '../errors/clientErrors.ts';
import type { Platform } from '../platform.ts';
import type { BleepStore } from '../stores/bleepStore.ts';
import { invitedPartner } from './invitedPartner.ts';
import { createDeliveryQueue, type AttemptFailure, type DeliveryQueue } from './deliveryQueue.ts';
import { openOutbox } from './outbox.ts';

const dayMs = 86_400_000;

export type SessionDeliveryOptions = Readonly<{
  client: MatrixClient;
  platform: Platform;
  store: BleepStore;
  serverUrl: string;
  ownUserId: string;
}>;

export type SessionDelivery = Readonly<{ queue: DeliveryQueue; stop: () => void }>;

/**
 * Not yet: the SDK is still working on an earlier attempt at this message (its own retries), or rust crypto does not
 * yet know the room is encrypted. Wait, then try again.
 */
class AttemptUnderWayError extends Error {
  override readonly name = 'AttemptUnderWayError';
}

/**
 * Server down and rate limits pass; so does an expired session (the message waits in the outbox for the clinician to
 * sign in again); everything else the server said is a refusal of this message.
 */
export function attemptFailure(serverUrl: string, error: unknown): AttemptFailure {
  if (error instanceof AttemptUnderWayError) return { retry: true, problem: 'server-down' };
  let classified: BleepClientError;
  try {
    classified = errorForSdkFailure(serverUrl, error, 'session');
  } catch {
    // Not an answer from the server but a failure on this desktop (rust crypto not yet configured for a room just
    // after a restart, for one): the server refused nothing, so the message waits and is tried again.
    return { retry: true, problem: 'unexpected-answer' };
  }
  return {
    retry: ['server-down', 'rate-limited', 'session-expired'].includes(classified.code),
    problem: classified.code,
    ...(classified instanceof RateLimitedError && classified.retryAfterMs !== null
      ? { retryAfterMs: classified.retryAfterMs }
      : {}),
  };
}

/** Whether every joined member but the sender has read up to this event (their receipt is at it or later). */
export function readByEveryone(
  client: MatrixClient,
  ownUserId: string,
  roomId: string,
  eventId: string,
): boolean {
  const room = client.getRoom(roomId);
  if (!room) return false;
  const others = room.getJoinedMembers().filter((member) => member.userId !== ownUserId);
  return others.length > 0 && others.every((member) => room.hasUserReadEvent(member.userId, eventId));
}

/**
 * One attempt through the SDK. The SDK remembers the local echo of an attempt that failed under its transaction id
 * and refuses a second send with that id: such an echo is resent (with the same id), and one it already sent
 * answers with its event id.
 */
async function sendOnce(
  client: MatrixClient,
  message: Readonly<{ roomId: string; txnId: string; eventType: string; content: Record<string, unknown> }>,
): Promise<string> {
  // Never in the clear, never to a changed identity (crypto/sendSafety.ts). A room not ready yet (just made, or just
  // after a restart) is waited for; a changed identity fails the message until the clinician acknowledges it.
  const block = await sendBlockFor(client, message.roomId);
  if (block?.reason === 'identity-changed') throw block.error;
  const room = client.getRoom(message.roomId);
  if (block || !room) throw new AttemptUnderWayError();
  const echo = room.getEventForTxnId(message.txnId);
  if (echo) {
    if (echo.status === EventStatus.NOT_SENT) return (await client.resendEvent(echo, room)).event_id;
    const eventId = echo.getId();
    if (echo.status === null && eventId !== undefined && !eventId.startsWith('~')) return eventId;
    throw new AttemptUnderWayError();
  }
  // The SDK's own typing of event types and contents is narrower than a queue of any Bleep message.
  const sent = await client.sendEvent(
    message.roomId,
    message.eventType as never,
    message.content as never,
    message.txnId,
  );
  return sent.event_id;
}

/** A message's transaction id, made once when it is written (also while a session has expired: session/heldDelivery.ts). */
export function newTxnId(randomBytes: (length: number) => Uint8Array): string {
  return `bleep-${Array.from(randomBytes(12), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

export async function startSessionDelivery(options: SessionDeliveryOptions): Promise<SessionDelivery> {
  const { client, platform, store, serverUrl, ownUserId } = options;
  const cipher = await createArchiveCipher(await archiveKey(platform), platform.randomBytes);
  const queue = createDeliveryQueue({
    outbox: openOutbox({ storage: platform.archive, cipher, logger: platform.logger }),
    send: ({ roomId, txnId, eventType, content }) => sendOnce(client, { roomId, txnId, eventType, content }),
    classify: (error) => attemptFailure(serverUrl, error),
    joined: (roomId, userId) => client.getRoom(roomId)?.getMember(userId)?.membership === 'join',
    clock: platform.clock,
    newTxnId: () => newTxnId(platform.randomBytes),
    changed: (message) => {
      store.getState().deliveryChanged(message);
    },
    removed: (txnId) => {
      store.getState().deliveryRemoved(txnId);
    },
    keepForMs: () => {
      const days = store.getState().session.policy?.retention.clientDays;
      return days === undefined ? undefined : days * dayMs;
    },
    logger: platform.logger,
  });
  const onReceipt = () => {
    void queue.receiptsChanged((roomId, eventId) => readByEveryone(client, ownUserId, roomId, eventId));
  };
  // Someone's membership changed: a message held for their join may go, once the sync response that brought the change
  // is all in. Not at the change itself: the SDK announces each member while it applies a response's events, when the
  // room's members may be only half known, and a message encrypted then would leave out whoever comes later.
  let membershipChanged = false;
  const onMembership = () => {
    membershipChanged = true;
  };
  const onSync = (state: SyncState, previous: SyncState | null) => {
    const backOnline = state === SyncState.Syncing && previous !== SyncState.Syncing;
    const responseIn = state === SyncState.Syncing || state === SyncState.Prepared;
    if (backOnline || (responseIn && membershipChanged)) {
      membershipChanged = false;
      queue.serverReachable();
    }
  };
  client.on(RoomEvent.Receipt, onReceipt);
  client.on(ClientEvent.Sync, onSync);
  client.on(RoomMemberEvent.Membership, onMembership);
  await queue.start();
  return {
    queue: {
      ...queue,
      // Unless the caller says whom to wait for, a message waits for a partner's clinician still only invited.
      write: (roomId, eventType, content, writeOptions = {}) => {
        const partner = writeOptions.awaitsJoinOf ?? invitedPartner(client.getRoom(roomId), ownUserId);
        return queue.write(
          roomId,
          eventType,
          content,
          partner === undefined ? {} : { awaitsJoinOf: partner },
        );
      },
    },
    stop: () => {
      queue.stop();
      client.off(RoomEvent.Receipt, onReceipt);
      client.off(ClientEvent.Sync, onSync);
      client.off(RoomMemberEvent.Membership, onMembership);
    },
  };
}
