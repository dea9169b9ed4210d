// Opens this desktop's archive with what the platform gives: its storage, and the archive key from its SecretStore
// (made on first use, or, for openKeptDesktopArchive, only read).
import type { Platform } from '../platform.ts';
import { createArchiveCipher } from './archiveCipher.ts';
import { archiveKey, keptArchiveKey } from './archiveKey.ts';
import { openMessageArchive, type MessageArchive } from './messageArchive.ts';

export async function openDesktopArchive(
  platform: Pick<Platform, 'archive' | 'secrets' | 'randomBytes' | 'logger'>,
): Promise<MessageArchive> {
  const cipher = await createArchiveCipher(await archiveKey(platform), platform.randomBytes);
  return openMessageArchive({ storage: platform.archive, cipher, logger: platform.logger });
}

/** This desktop's archive if it has one, else undefined (no key is made). */
export async function openKeptDesktopArchive(
  platform: Pick<Platform, 'archive' | 'secrets' | 'randomBytes' | 'logger'>,
): Promise<MessageArchive | undefined> {
  const key = await keptArchiveKey(platform);
  if (key === undefined) return undefined;
  const cipher = await createArchiveCipher(key, platform.randomBytes);
  return openMessageArchive({ storage: platform.archive, cipher, logger: platform.logger });
}
