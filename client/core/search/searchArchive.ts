// A search over this desktop's archive, with no server: over the running session's open archive, or, when nobody
// is signed in here (the gateway is out of reach at start, the app stopped), over the archive kept on disk, opened
// with its key from the SecretStore and closed again. A desktop with no archive key has nothing to find. The
// search is a scan of the decrypted records (measured in search/searchArchive.bench.ts); there is no index.
import type { MessageArchive } from '../archive/messageArchive.ts';
import { openKeptDesktopArchive } from '../archive/openDesktopArchive.ts';
import type { Platform } from '../platform.ts';
import { searchRecords, type SearchHit, type SearchQuery } from './messageSearch.ts';

export async function searchOpenArchive(
  archive: MessageArchive,
  query: SearchQuery,
): Promise<readonly SearchHit[]> {
  // Only the room's records are opened when the search is for one room (its records share a name tag).
  const records =
    query.roomId === undefined ? await archive.allRecords() : await archive.roomRecords(query.roomId);
  return searchRecords(records, query);
}

export async function searchKeptArchive(
  platform: Pick<Platform, 'archive' | 'secrets' | 'randomBytes' | 'logger'>,
  query: SearchQuery,
): Promise<readonly SearchHit[]> {
  const archive = await openKeptDesktopArchive(platform);
  if (archive === undefined) return [];
  try {
    return await searchOpenArchive(archive, query);
  } finally {
    await archive.close();
  }
}
