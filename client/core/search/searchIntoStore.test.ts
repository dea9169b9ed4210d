import { describe, expect, it } from 'vitest';
import { createBleepStore } from '../stores/bleepStore.ts';
import { selectSearch } from '../stores/selectors/searchSelectors.ts';
import type { SearchHit } from './messageSearch.ts';
import { searchIntoStore } from './searchIntoStore.ts';

const found: SearchHit = {
  eventId: '$1',
  roomId: '!ward:a',
  sender: '@amelia:a',
  sentAt: 1,
  msgtype: 'm.text',
  body: 'bed 4',
  editedAt: null,
};

describe('a search kept in the store', () => {
  it('shows it searching, then what it found, and returns the same', async () => {
    const store = createBleepStore();
    let release: (hits: readonly SearchHit[]) => void = () => undefined;
    const searching = searchIntoStore(
      store,
      { text: 'bed' },
      () => new Promise((resolve) => (release = resolve)),
    );
    expect(selectSearch(store.getState())).toMatchObject({ query: { text: 'bed' }, status: 'searching' });
    release([found]);
    expect(await searching).toEqual([found]);
    expect(selectSearch(store.getState())).toMatchObject({ status: 'done', hits: [found] });
  });

  it('shows a failed search as failed, and throws its error', async () => {
    const store = createBleepStore();
    const error = new Error('archive closed');
    await expect(searchIntoStore(store, { text: 'bed' }, () => Promise.reject(error))).rejects.toBe(error);
    expect(selectSearch(store.getState())).toMatchObject({ status: 'failed', hits: [] });
  });
});
