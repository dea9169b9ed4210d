// How far a clinician's own message got, in words: from written (kept here, waiting for the server) to read by
// everyone else in the room. The delivery slice knows what the queue did; the timeline item what the server did.
import type { OutgoingMessage } from '../../core/delivery/outgoingMessage.ts';
import type { TimelineItem } from '../../core/stores/timelineSlice.ts';

export type DeliveryLabel = Readonly<{ text: string; state: 'waiting' | 'sent' | 'read' | 'failed' }>;

export function deliveryLabel(
  item: Readonly<{ sendStatus: TimelineItem['sendStatus']; readBy?: readonly string[] }>,
  outgoing: OutgoingMessage | undefined,
  nameOf: (userId: string) => string,
): DeliveryLabel {
  if (outgoing?.status === 'failed' || item.sendStatus === 'failed')
    return { text: 'Not sent', state: 'failed' };
  if (outgoing?.status === 'queued' || outgoing?.status === 'sending' || item.sendStatus === 'sending')
    return { text: 'Sending…', state: 'waiting' };
  const readBy = item.readBy ?? [];
  if (readBy.length > 0) return { text: `Read by ${readBy.map(nameOf).join(', ')}`, state: 'read' };
  if (outgoing?.status === 'delivered') return { text: 'Read', state: 'read' };
  return { text: 'Sent', state: 'sent' };
}
