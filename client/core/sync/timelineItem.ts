// A matrix-js-sdk MatrixEvent read into the timeline slice's plain item, or undefined for an event the timeline
// does not show as an item of its own: state other than membership, and relations (edits, reactions, redactions),
// which sync/messageRelation.ts reads and the archive applies to the message they relate to.
import { EventStatus, RelationType, type MatrixEvent } from 'matrix-js-sdk';
import { patientNhsNumberIn } from '../patient/patientTag.ts';
import { referralReasonIn } from '../rooms/referralContent.ts';
import { repliedEventIdIn } from '../rooms/replyRelation.ts';
import { isUrgentContent } from '../rooms/urgentFlag.ts';
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

/** Edits and reactions are not items: their relation is in the clear even while the event is still encrypted. */
function isRelationEvent(event: MatrixEvent): boolean {
  return (
    event.getWireType() === 'm.reaction' ||
    event.getType() === 'm.reaction' ||
    event.isRelation(RelationType.Replace)
  );
}

export function timelineItemFor(event: MatrixEvent, ownUserId: string): TimelineItem | undefined {
  const roomId = event.getRoomId();
  const id = event.getId();
  const sender = event.getSender();
  if (roomId === undefined || id === undefined || sender === undefined) return undefined;
  if (isRelationEvent(event)) return undefined;
  const encrypted = event.isEncrypted();
  const base = {
    id,
    roomId,
    sender,
    sentAt: event.getTs(),
    msgtype: null,
    body: null,
    editedAt: null,
    reactions: [],
    target: null,
    membership: null,
    encrypted,
    failureReason: null,
    sendStatus: sendStatusOf(event, ownUserId),
    urgent: false,
    replyTo: null,
  } as const;
  const wireType = event.getWireType();
  if (event.isRedacted()) {
    // The server sent it already redacted: nothing of its text is left to show.
    return wireType === 'm.room.message' || wireType === 'm.room.encrypted'
      ? { ...base, kind: 'deleted', decryption: encrypted ? 'decrypted' : 'not-encrypted' }
      : undefined;
  }
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
  // The content as sent: the SDK's getContent() shows the latest edit in its place, which the archive applies itself.
  const content = event.getOriginalContent();
  if (event.getType() === 'm.room.message' && typeof content.body === 'string') {
    // A patient tag counts only inside encrypted content: one sent in the clear (a partner's plaintext) has already
    // been read by the servers on its way, so it is not filed as though it were protected.
    // The urgent flag, a referral and a reply likewise: a server that could read them could also have forged them.
    const nhsNumber = encrypted ? patientNhsNumberIn(content) : null;
    const referralReason = nhsNumber === null ? null : referralReasonIn(content);
    return {
      ...base,
      kind: 'message',
      decryption,
      msgtype: typeof content.msgtype === 'string' ? content.msgtype : null,
      body: content.body,
      urgent: encrypted && isUrgentContent(content),
      replyTo: encrypted ? repliedEventIdIn(content) : null,
      ...(nhsNumber === null ? {} : { patient: { nhsNumber, filedAt: null } }),
      ...(referralReason === null ? {} : { referral: { reason: referralReason } }),
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
