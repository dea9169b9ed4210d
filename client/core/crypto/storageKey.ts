// The key rust crypto's IndexedDB store is encrypted with: 32 random bytes made on this desktop's first sign-in and
// kept only in the SecretStore (wrapped by safeStorage on the desktop), so it never touches disk in the clear.
import type { Platform } from '../platform.ts';

export async function cryptoStorageKey(
  platform: Pick<Platform, 'secrets' | 'randomBytes'>,
): Promise<Uint8Array> {
  const kept = await platform.secrets.read('crypto-storage-key');
  if (kept?.length === 32) return kept;
  const key = platform.randomBytes(32);
  await platform.secrets.write('crypto-storage-key', key);
  return key;
}
