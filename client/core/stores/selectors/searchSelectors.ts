// Reading the search slice.
import type { BleepState } from '../bleepStore.ts';

export const selectSearch = (state: BleepState) => state.search;

/** What the last search found, newest first (the same array until the next search). */
export const selectSearchHits = (state: BleepState) => state.search.hits;

export const selectSearching = (state: BleepState) => state.search.status === 'searching';
