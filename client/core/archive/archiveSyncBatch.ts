// A sync batch written to the archive, and the batch the store is then to show: write first, show after. The
// archive folds each edit, reaction and redaction into the message it relates to (messageRecord.ts), so the store
// is given that message as it now reads, in place of the relation, and every message the batch brings as the
// archive holds it (an edit that came first, or a redaction, already applied).
import type { SyncBatch } from '../stores/bleepStore.ts';
import type { MessageRelation, TimelineChange, TimelineItem } from '../stores/timelineSlice.ts';
import { archivedMessageFor, type ArchivedMessage } from './archivedMessage.ts';
import type { MessageArchive } from './messageArchive.ts';
import { timelineItemForRecord } from './messageRecordView.ts';

export async function keepSyncBatch(
  archive: MessageArchive,
  batch: SyncBatch,
  ownUserId: string,
): Promise<SyncBatch> {
  const messages: ArchivedMessage[] = [];
  const relations: MessageRelation[] = [];
  for (const change of batch.timeline) {
    if (change.change === 'relation') relations.push(change.relation);
    if (change.change !== 'upsert') continue;
    const message = archivedMessageFor(change.item);
    if (message) messages.push(message);
  }
  if (messages.length === 0 && relations.length === 0) return batch;

  const shownNow = new Map<string, TimelineItem>();
  for (const record of await archive.keep(messages, relations)) {
    const item = timelineItemForRecord(record, ownUserId);
    if (item) shownNow.set(record.eventId, item);
  }
  const timeline: TimelineChange[] = [];
  for (const change of batch.timeline) {
    if (change.change === 'relation') continue;
    const item = change.change === 'upsert' ? shownNow.get(change.item.id) : undefined;
    if (change.change === 'upsert' && item) {
      timeline.push({ ...change, item });
      shownNow.delete(item.id);
    } else {
      timeline.push(change);
    }
  }
  // The messages only a relation changed (an edit, a reaction, a redaction of one of them).
  for (const item of shownNow.values()) timeline.push({ change: 'upsert', item });
  return { ...batch, timeline };
}
