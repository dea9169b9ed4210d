// The search slice: the last search of the archive and what it found, as plain data. Written only by
// search/searchIntoStore.ts; a search that finishes after a newer one began is not shown.
import type { StateCreator } from 'zustand/vanilla';
import type { SearchHit, SearchQuery } from '../search/messageSearch.ts';
import type { BleepState } from './bleepStore.ts';
import type { TimelineChange } from './timelineSlice.ts';

export type SearchState = Readonly<{
  /** Counts searches begun, so a late answer to an older one is told apart. */
  searchId: number;
  query: SearchQuery | null;
  status: 'idle' | 'searching' | 'done' | 'failed';
  /** Newest first. */
  hits: readonly SearchHit[];
}>;

export type SearchSlice = Readonly<{
  search: SearchState;
  /** Begins a search; returns its id, for searchFinished and searchFailed. */
  searchBegan: (query: SearchQuery) => number;
  searchFinished: (searchId: number, hits: readonly SearchHit[]) => void;
  searchFailed: (searchId: number) => void;
  searchCleared: () => void;
}>;

export const initialSearch: SearchState = { searchId: 0, query: null, status: 'idle', hits: [] };

/**
 * The results without the messages these changes show deleted or remove (a redaction erases a result's text too,
 * and a patient's message filed and deleted here is gone from this desktop).
 */
export function withoutDeletedHits(search: SearchState, changes: readonly TimelineChange[]): SearchState {
  const deleted = new Set(
    changes.flatMap((change) => {
      if (change.change === 'remove') return [change.id];
      return change.change === 'upsert' && change.item.kind === 'deleted' ? [change.item.id] : [];
    }),
  );
  if (deleted.size === 0 || !search.hits.some((hit) => deleted.has(hit.eventId))) return search;
  return { ...search, hits: search.hits.filter((hit) => !deleted.has(hit.eventId)) };
}

/** The results without the messages an expiry sweep deleted (sent before `before`, outside the kept rooms). */
export function withoutExpiredHits(
  search: SearchState,
  before: number,
  keepRoomIds: readonly string[],
): SearchState {
  const kept = new Set(keepRoomIds);
  const hits = search.hits.filter((hit) => kept.has(hit.roomId) || hit.sentAt >= before);
  return hits.length === search.hits.length ? search : { ...search, hits };
}

export const createSearchSlice: StateCreator<BleepState, [], [], SearchSlice> = (set, get) => ({
  search: initialSearch,
  searchBegan: (query) => {
    const searchId = get().search.searchId + 1;
    set({ search: { searchId, query, status: 'searching', hits: [] } });
    return searchId;
  },
  searchFinished: (searchId, hits) => {
    set((state) =>
      state.search.searchId === searchId ? { search: { ...state.search, status: 'done', hits } } : {},
    );
  },
  searchFailed: (searchId) => {
    set((state) =>
      state.search.searchId === searchId ? { search: { ...state.search, status: 'failed', hits: [] } } : {},
    );
  },
  searchCleared: () => {
    set((state) => ({ search: { ...initialSearch, searchId: state.search.searchId } }));
  },
});
