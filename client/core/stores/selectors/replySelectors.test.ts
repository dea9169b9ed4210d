import { describe, expect, it } from 'vitest';
import { createBleepStore } from '../bleepStore.ts';
import type { TimelineItem } from '../timelineSlice.ts';
import { selectRepliedMessage } from './replySelectors.ts';
import { decryptedMessage } from '../timelineItem.testkit.ts';

const ward = '!ward:trust-a.example';
const amelia = '@amelia:trust-a.example';
const chidi = '@chidi:trust-a.example';

function message(id: string, change: Partial<TimelineItem> = {}): TimelineItem {
  return decryptedMessage({
    id,
    roomId: ward,
    sender: amelia,
    sentAt: 1_000,
    body: 'Bed 4 potassium 6.1',
    ...change,
  });
}

function storeWith(...items: TimelineItem[]) {
  const store = createBleepStore();
  store.getState().applySyncBatch({
    rooms: [],
    removedRooms: [],
    timeline: items.map((item) => ({ change: 'upsert', item })),
  });
  return store;
}

describe('the message a reply answers', () => {
  it('is the replied-to message as last edited, with who sent it', () => {
    const store = storeWith(
      message('$original', { body: 'Bed 4 potassium 5.1 (haemolysed)', editedAt: 2_000 }),
      message('$reply', { sender: chidi, body: 'Will repeat', replyTo: '$original' }),
    );
    const reply = store.getState().timeline.byRoom[ward]?.[1];
    expect(reply?.replyTo).toBe('$original');
    expect(selectRepliedMessage(ward, reply?.replyTo ?? '')(store.getState())).toEqual({
      id: '$original',
      sender: amelia,
      body: 'Bed 4 potassium 5.1 (haemolysed)',
      kind: 'message',
    });
  });

  it('has no text once deleted or while it cannot be decrypted', () => {
    const store = storeWith(
      message('$deleted', { kind: 'deleted', body: null, msgtype: null }),
      message('$locked', { kind: 'undecryptable', body: null, msgtype: null, decryption: 'failed' }),
    );
    expect(selectRepliedMessage(ward, '$deleted')(store.getState())).toEqual({
      id: '$deleted',
      sender: amelia,
      body: null,
      kind: 'deleted',
    });
    expect(selectRepliedMessage(ward, '$locked')(store.getState())).toMatchObject({
      body: null,
      kind: 'undecryptable',
    });
  });

  it('is undefined when this desktop does not hold it, or holds it in another room', () => {
    const store = storeWith(message('$here'));
    expect(selectRepliedMessage(ward, '$before-i-joined')(store.getState())).toBeUndefined();
    expect(selectRepliedMessage('!other:trust-a.example', '$here')(store.getState())).toBeUndefined();
  });

  it('is the same object until the replied-to message changes (a component re-renders only then)', () => {
    const store = storeWith(message('$original'), message('$other'));
    const first = selectRepliedMessage(ward, '$original')(store.getState());
    store.getState().applySyncBatch({
      rooms: [],
      removedRooms: [],
      timeline: [{ change: 'upsert', item: message('$other', { body: 'unrelated change' }) }],
    });
    expect(selectRepliedMessage(ward, '$original')(store.getState())).toBe(first);
    store.getState().applySyncBatch({
      rooms: [],
      removedRooms: [],
      timeline: [{ change: 'upsert', item: message('$original', { body: 'corrected', editedAt: 3_000 }) }],
    });
    expect(selectRepliedMessage(ward, '$original')(store.getState())?.body).toBe('corrected');
  });
});
