// Reading replies: what a reply shows of the message it answers. Plain data only; the renderer draws the quote.
import type { BleepState } from '../bleepStore.ts';
import type { TimelineItem, TimelineItemKind } from '../timelineSlice.ts';

/** The message a reply answers, as it reads now in this desktop's timeline. */
export type RepliedMessage = Readonly<{
  id: string;
  sender: string;
  /** Its text as last edited by its sender; null when deleted, not (yet) decrypted, or not a message. */
  body: string | null;
  kind: TimelineItemKind;
}>;

// One summary per item, so a component reading it re-renders only when the replied-to message changes.
const summaries = new WeakMap<TimelineItem, RepliedMessage>();

function summaryOf(item: TimelineItem): RepliedMessage {
  let summary = summaries.get(item);
  if (summary === undefined) {
    summary = { id: item.id, sender: item.sender, body: item.body, kind: item.kind };
    summaries.set(item, summary);
  }
  return summary;
}

/**
 * The message `eventId` (usually a reply's `replyTo`) in room `roomId`, or undefined when this desktop's timeline
 * does not hold it (sent before this desktop joined and not read back, or expired from the archive).
 */
export const selectRepliedMessage =
  (roomId: string, eventId: string) =>
  (state: BleepState): RepliedMessage | undefined => {
    const item = state.timeline.byRoom[roomId]?.find((candidate) => candidate.id === eventId);
    return item === undefined ? undefined : summaryOf(item);
  };
