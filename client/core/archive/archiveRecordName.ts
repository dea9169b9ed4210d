// How archive records are named. A message's record is `m.<room tag>.<hour>.<event tag>`: the tags are keyed
// (archiveCipher.tag), so a name tells nobody which room or event it holds, and the hour of its send time lets the
// expiry sweep delete whole hours older than the limit without decrypting them (it opens only the boundary hour).
// What a name does show: that records share a room, and the hour each was sent; the README says so.

export const hourMs = 3_600_000;

/** The record of the archive's own bookkeeping (last sweep, oldest message kept). */
export const sweepRecordName = 'sweep';

export type MessageRecordName = Readonly<{ name: string; roomTag: string; hour: number; eventTag: string }>;

const messageName = /^m\.([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/;

export function sendHour(sentAt: number): number {
  return Math.max(0, Math.floor(sentAt / hourMs));
}

export function messageRecordName(roomTag: string, sentAt: number, eventTag: string): MessageRecordName {
  const hour = sendHour(sentAt);
  return { name: `m.${roomTag}.${hour}.${eventTag}`, roomTag, hour, eventTag };
}

/** The parts of a message record's name, or undefined for any other name. */
export function parseMessageRecordName(name: string): MessageRecordName | undefined {
  const match = messageName.exec(name);
  if (!match) return undefined;
  const [, roomTag, hour, eventTag] = match;
  if (roomTag === undefined || hour === undefined || eventTag === undefined) return undefined;
  return { name, roomTag, hour: Number(hour), eventTag };
}
