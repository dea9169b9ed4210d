// A matrix-js-sdk MatrixEvent read into the timeline slice's plain item, or undefined for an event the timeline
// does not show (state other than membership, reactions and edits until the archive handles them).
import { EventStatus, type MatrixEvent } from 'matrix-js-sdk';
import type { TimelineItem } from '../stores/timelineSlice.ts';

function sendStatusOf(event: MatrixEvent, ownUserId: string): TimelineItem['sendStatus'] {
  switch (event.status) {
    case null:
      // An event the server has: 'sent' when it is this clinician's own.
      return event.getSender() === ownUserId ? 'sent' : null;
    case EventStatus.SENT:
      return 'sent';
    case EventStatus.NOT_SENT:
    case EventStatus.CANCELLED:
      return 'failed';
    default:
      return 'sending';
  }
}

export function timelineItemFor(event: MatrixEvent, ownUserId: string): TimelineItem | undefined {
  const roomId = event.getRoomId();
  const id = event.getId();
  const sender = event.getSender();
  if (roomId === undefined || id === undefined || sender === undefined) return undefined;
  const encrypted = event.isEncrypted();
  const base = {
    id,
    roomId,
    sender,
    sentAt: event.getTs(),
    msgtype: null,
    body: null,
    target: null,
    membership: null,
    encrypted,
    failureReason: null,
    sendStatus: sendStatusOf(event, ownUserId),
  } as const;
  if (encrypted && event.isDecryptionFailure()) {
    return {
      ...base,
      kind: 'undecryptable',
      decryption: 'failed',
      failureReason: event.decryptionFailureReason,
    };
  }
  if (encrypted && (event.isBeingDecrypted() || event.getType() === 'm.room.encrypted')) {
    return { ...base, kind: 'encrypted', decryption: 'pending' };
  }
  const decryption = encrypted ? 'decrypted' : 'not-encrypted';
  const content = event.getContent();
  if (event.getType() === 'm.room.message' && typeof content.body === 'string') {
    return {
      ...base,
      kind: 'message',
      decryption,
      msgtype: typeof content.msgtype === 'string' ? content.msgtype : null,
      body: content.body,
    };
  }
  if (event.getType() === 'm.room.member' && typeof content.membership === 'string') {
    return {
      ...base,
      kind: 'membership',
      decryption,
      target: event.getStateKey() ?? null,
      membership: content.membership,
    };
  }
  return undefined;
}
