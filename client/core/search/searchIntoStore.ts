// Runs a search of the archive and keeps its course in the store's search slice (searching, then what it found, or
// that it failed), so the renderer reads results like any other state; the hits are also returned to the caller.
import type { BleepStore } from '../stores/bleepStore.ts';
import type { SearchHit, SearchQuery } from './messageSearch.ts';

export async function searchIntoStore(
  store: BleepStore,
  query: SearchQuery,
  search: (query: SearchQuery) => Promise<readonly SearchHit[]>,
): Promise<readonly SearchHit[]> {
  const searchId = store.getState().searchBegan(query);
  try {
    const hits = await search(query);
    store.getState().searchFinished(searchId, hits);
    return hits;
  } catch (error) {
    store.getState().searchFailed(searchId);
    throw error;
  }
}
