// What a message's record says of its attachment: the name, type and size the clinician sees, and whether this
// desktop holds the file (and a thumbnail) in the archive, in how many sealed parts (attachmentParts.ts). The bytes
// are never in the record: a record stays small enough to read thousands of for a search.

export type ArchivedThumbnail = Readonly<{
  mimetype: string | null;
  size: number;
  w: number | null;
  h: number | null;
  parts: number;
}>;

export type ArchivedAttachment = Readonly<{
  name: string;
  mimetype: string | null;
  /** The size kept (the file received), or what the sender declared when it is not kept; null if unknown. */
  size: number | null;
  /** The file is in the archive, in this many parts; 0 when it is not (it could not be downloaded or was refused). */
  parts: number;
  thumbnail: ArchivedThumbnail | null;
}>;

/** How large each sealed part is: a large file is never one record, so no read or write holds it twice whole. */
export const attachmentPartBytes = 1024 * 1024;

/** The parts a file of this size is kept in (an empty file still has one, so "kept" is always parts > 0). */
export function partCount(size: number): number {
  return Math.max(1, Math.ceil(size / attachmentPartBytes));
}

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isCountOrNull = (value: unknown) => value === null || isCount(value);
const isStringOrNull = (value: unknown) => value === null || typeof value === 'string';

function isThumbnail(value: unknown): value is ArchivedThumbnail {
  if (typeof value !== 'object' || value === null) return false;
  const thumbnail = value as Record<string, unknown>;
  return (
    isStringOrNull(thumbnail.mimetype) &&
    isCount(thumbnail.size) &&
    isCountOrNull(thumbnail.w) &&
    isCountOrNull(thumbnail.h) &&
    isCount(thumbnail.parts) &&
    thumbnail.parts > 0
  );
}

/** True if this parsed JSON is an archived attachment. */
export function isArchivedAttachment(value: unknown): value is ArchivedAttachment {
  if (typeof value !== 'object' || value === null) return false;
  const attachment = value as Record<string, unknown>;
  return (
    typeof attachment.name === 'string' &&
    isStringOrNull(attachment.mimetype) &&
    isCountOrNull(attachment.size) &&
    isCount(attachment.parts) &&
    (attachment.thumbnail === null || isThumbnail(attachment.thumbnail))
  );
}
