// Opens this desktop's archive with what the platform gives: its storage, and the archive key from its SecretStore
// (made on first use).
import type { Platform } from '../platform.ts';
import { createArchiveCipher } from './archiveCipher.ts';
import { archiveKey } from './archiveKey.ts';
import { openMessageArchive, type MessageArchive } from './messageArchive.ts';

export async function openDesktopArchive(
  platform: Pick<Platform, 'archive' | 'secrets' | 'randomBytes' | 'logger'>,
): Promise<MessageArchive> {
  const cipher = await createArchiveCipher(await archiveKey(platform), platform.randomBytes);
  return openMessageArchive({ storage: platform.archive, cipher, logger: platform.logger });
}
