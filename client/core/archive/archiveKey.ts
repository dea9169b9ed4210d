// The key the message archive is sealed with: 32 random bytes made when a clinician's first session on this desktop
// opens its archive, kept only in the SecretStore (wrapped by safeStorage on the desktop), so it never touches disk
// in the clear. Deleting it is what makes a wiped archive unreadable even where the disk keeps old blocks.
import type { Platform } from '../platform.ts';

/** The archive key if this desktop has one; never makes one (a desktop without it has no archive to read). */
export async function keptArchiveKey(platform: Pick<Platform, 'secrets'>): Promise<Uint8Array | undefined> {
  const kept = await platform.secrets.read('archive-key');
  return kept?.length === 32 ? kept : undefined;
}

export async function archiveKey(platform: Pick<Platform, 'secrets' | 'randomBytes'>): Promise<Uint8Array> {
  const kept = await platform.secrets.read('archive-key');
  if (kept?.length === 32) return kept;
  const key = platform.randomBytes(32);
  await platform.secrets.write('archive-key', key);
  return key;
}
