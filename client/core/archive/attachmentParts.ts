// Where the archive keeps attachments' bytes: each file (and thumbnail) cut into parts of at most
// attachmentPartBytes, each part sealed like a message record (archiveCipher.ts) under its own name
// `a.<room tag>.<hour>.<event tag>.<f|t><part>`, the name bound in, so a part moved to another message, another place
// in its file or from file to thumbnail does not open. The name tells what a message record's name tells (the room's
// tag and the hour) and that the message has a file of about so many megabytes (the part count; the sealed size says
// as much). Parts are found by their message's event tag, so they go with the message (expiry, redaction) whatever
// hour they were filed under.
import { ArchiveRecordUnreadableError, type ArchiveCipher } from './archiveCipher.ts';
import { attachmentPartBytes } from './archivedAttachment.ts';
import type { MessageRecordName } from './archiveRecordName.ts';
import type { ArchiveStorage } from './archiveStorage.ts';

export type AttachmentKind = 'file' | 'thumbnail';

/** A message's decrypted file, and its thumbnail when the message carried one. */
export type AttachmentBytes = Readonly<{ file: Uint8Array; thumbnail: Uint8Array | null }>;

const partName = /^a\.([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{22})\.([ft])(\d{1,6})$/;
const kindLetter = { file: 'f', thumbnail: 't' } as const;

export interface AttachmentParts {
  /** Seals and writes these bytes as the file (or thumbnail) of the message so named; resolves with its part count. */
  write(message: MessageRecordName, kind: AttachmentKind, bytes: Uint8Array): Promise<number>;
  /**
   * The bytes kept for this message and kind, or undefined when any part is missing or does not open, or they are
   * not `size` bytes in `parts` parts: a file is given whole or not at all.
   */
  read(eventTag: string, kind: AttachmentKind, parts: number, size: number): Promise<Uint8Array | undefined>;
  /** Deletes every part kept for these messages. */
  deleteFor(eventTags: Iterable<string>): Promise<void>;
  /** Deletes the parts of every message this says is no longer kept (and parts a crash left without a record). */
  deleteUnless(kept: (eventTag: string) => boolean): Promise<void>;
}

export function openAttachmentParts(
  storage: ArchiveStorage,
  cipher: ArchiveCipher,
  names: readonly string[],
): AttachmentParts {
  /** Each message's part names, by its event tag, then by `f0`, `f1`, `t0`... */
  const index = new Map<string, Map<string, string>>();
  function remember(eventTag: string, part: string, name: string): void {
    const parts = index.get(eventTag) ?? new Map<string, string>();
    parts.set(part, name);
    index.set(eventTag, parts);
  }
  for (const name of names) {
    const match = partName.exec(name);
    if (match?.[3] && match[4] && match[5]) remember(match[3], `${match[4]}${match[5]}`, name);
  }

  async function deleteFor(eventTags: Iterable<string>): Promise<void> {
    const names: string[] = [];
    for (const eventTag of eventTags) {
      names.push(...(index.get(eventTag)?.values() ?? []));
      index.delete(eventTag);
    }
    if (names.length > 0) await storage.delete(names);
  }

  /** The kind's parts of one message, and whatever of that kind is left over from an earlier write. */
  function namesOfKind(eventTag: string, kind: AttachmentKind): string[] {
    const letter = kindLetter[kind];
    return [...(index.get(eventTag) ?? [])]
      .filter(([part]) => part.startsWith(letter))
      .map(([, name]) => name);
  }

  return {
    write: async (message, kind, bytes) => {
      const earlier = namesOfKind(message.eventTag, kind);
      const letter = kindLetter[kind];
      const written = new Set<string>();
      let part = 0;
      for (let from = 0; part === 0 || from < bytes.length; from += attachmentPartBytes, part += 1) {
        const name = `a.${message.roomTag}.${message.hour}.${message.eventTag}.${letter}${part}`;
        await storage.write(name, await cipher.seal(name, bytes.subarray(from, from + attachmentPartBytes)));
        remember(message.eventTag, `${letter}${part}`, name);
        written.add(name);
      }
      const stale = earlier.filter((name) => !written.has(name));
      if (stale.length > 0) await storage.delete(stale);
      for (const name of stale) {
        const match = partName.exec(name);
        if (match?.[4] && match[5]) index.get(message.eventTag)?.delete(`${match[4]}${match[5]}`);
      }
      return part;
    },

    read: async (eventTag, kind, parts, size) => {
      const letter = kindLetter[kind];
      const kept = index.get(eventTag);
      const bytes = new Uint8Array(size);
      let at = 0;
      for (let part = 0; part < parts; part += 1) {
        const name = kept?.get(`${letter}${part}`);
        const sealed = name === undefined ? undefined : await storage.read(name);
        if (name === undefined || sealed === undefined) return undefined;
        let plain: Uint8Array;
        try {
          plain = await cipher.open(name, sealed);
        } catch (error) {
          if (error instanceof ArchiveRecordUnreadableError) return undefined;
          throw error;
        }
        if (at + plain.length > size) return undefined;
        bytes.set(plain, at);
        at += plain.length;
      }
      return at === size ? bytes : undefined;
    },

    deleteFor,

    deleteUnless: async (kept) => {
      await deleteFor([...index.keys()].filter((eventTag) => !kept(eventTag)));
    },
  };
}
