// Which archived messages a search finds: those whose text as it now reads (their sender's latest edit) holds
// every word of the query, case-insensitive, optionally in one room, newest first. Deleted messages and relations
// still waiting for their message are never found. Pure: the archive is read by searchArchive.ts.
import type { MessageRecord } from '../archive/messageRecord.ts';
import { currentContent, latestEdit } from '../archive/messageRecordView.ts';

export type SearchQuery = Readonly<{ text: string; roomId?: string }>;

/** A message found, as plain data for the store (no record, no SDK object). */
export type SearchHit = Readonly<{
  eventId: string;
  roomId: string;
  sender: string;
  sentAt: number;
  msgtype: string | null;
  body: string;
  editedAt: number | null;
}>;

/** Compatibility forms (ligatures, full-width letters) and case folded, so "ECG" finds "ecg" and "ｅｃｇ". */
function folded(text: string): string {
  return text.normalize('NFKC').toLocaleLowerCase('en-GB');
}

/** The query's words, folded; none for a query of only spaces. */
export function searchWords(text: string): string[] {
  return [
    ...new Set(
      folded(text)
        .split(/\s+/u)
        .filter((word) => word.length > 0),
    ),
  ];
}

export function searchRecords(records: readonly MessageRecord[], query: SearchQuery): SearchHit[] {
  const words = searchWords(query.text);
  if (words.length === 0) return [];
  const hits: SearchHit[] = [];
  for (const record of records) {
    if (query.roomId !== undefined && record.roomId !== query.roomId) continue;
    const content = currentContent(record);
    if (record.sender === null || content === null) continue;
    const text = folded(content.body);
    if (!words.every((word) => text.includes(word))) continue;
    hits.push({
      eventId: record.eventId,
      roomId: record.roomId,
      sender: record.sender,
      sentAt: record.sentAt,
      msgtype: content.msgtype,
      body: content.body,
      editedAt: latestEdit(record)?.sentAt ?? null,
    });
  }
  return hits.sort((a, b) => b.sentAt - a.sentAt || b.eventId.localeCompare(a.eventId));
}
