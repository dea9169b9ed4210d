// A decrypted text message as the timeline slice holds it, for unit tests: the fields a test is about are given, the
// rest are the plain defaults of an ordinary message (not edited, no reactions, not urgent, not a reply).
import type { TimelineItem } from './timelineSlice.ts';

export function decryptedMessage(
  fields: Partial<TimelineItem> & Pick<TimelineItem, 'id' | 'roomId' | 'sender' | 'sentAt'>,
): TimelineItem {
  return {
    kind: 'message',
    msgtype: 'm.text',
    body: `text of ${fields.id}`,
    editedAt: null,
    reactions: [],
    target: null,
    membership: null,
    encrypted: true,
    decryption: 'decrypted',
    failureReason: null,
    sendStatus: null,
    urgent: false,
    replyTo: null,
    ...fields,
  };
}
