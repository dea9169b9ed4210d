import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '../stores/timelineSlice.ts';
import {
  archivedMessageFor,
  archivedMessagesIn,
  isArchivedMessage,
  timelineItemForArchived,
} from './archivedMessage.ts';

function item(change: Partial<TimelineItem> = {}): TimelineItem {
  return {
    id: '$event1',
    roomId: '!ward:a',
    sender: '@amelia:a',
    sentAt: 1_700_000_000_000,
    kind: 'message',
    msgtype: 'm.text',
    body: 'Bed 4 needs review',
    target: null,
    membership: null,
    encrypted: true,
    decryption: 'decrypted',
    failureReason: null,
    sendStatus: null,
    ...change,
  };
}

describe('what the archive keeps', () => {
  it('keeps a decrypted message, and shows it again as the same timeline item', () => {
    const message = archivedMessageFor(item());
    expect(message).toEqual({
      eventId: '$event1',
      roomId: '!ward:a',
      sender: '@amelia:a',
      sentAt: 1_700_000_000_000,
      msgtype: 'm.text',
      body: 'Bed 4 needs review',
      encrypted: true,
    });
    expect(message && timelineItemForArchived(message, '@someone-else:a')).toEqual(item());
    expect(message && timelineItemForArchived(message, '@amelia:a')).toEqual(item({ sendStatus: 'sent' }));
    expect(isArchivedMessage(message)).toBe(true);
  });

  it('keeps own messages once the server has them, not while they are sending or failed', () => {
    expect(archivedMessageFor(item({ sendStatus: 'sent' }))).toBeDefined();
    expect(archivedMessageFor(item({ sendStatus: 'sending' }))).toBeUndefined();
    expect(archivedMessageFor(item({ sendStatus: 'failed' }))).toBeUndefined();
    expect(archivedMessageFor(item({ id: '~!ward:a:m1700000000000.1' }))).toBeUndefined();
  });

  it('keeps no placeholder: pending, undecryptable and membership items are not messages', () => {
    expect(
      archivedMessageFor(item({ kind: 'encrypted', decryption: 'pending', body: null })),
    ).toBeUndefined();
    expect(
      archivedMessageFor(item({ kind: 'undecryptable', decryption: 'failed', body: null })),
    ).toBeUndefined();
    expect(archivedMessageFor(item({ kind: 'membership', body: null, membership: 'join' }))).toBeUndefined();
  });

  it('takes the messages out of a batch of timeline changes', () => {
    expect(
      archivedMessagesIn([
        { change: 'upsert', item: item() },
        { change: 'remove', roomId: '!ward:a', id: '$gone' },
        { change: 'upsert', item: item({ id: '$event2', kind: 'membership', body: null }) },
      ]).map((message) => message.eventId),
    ).toEqual(['$event1']);
  });

  it('reads back only records that have the shape of a message', () => {
    expect(isArchivedMessage({ eventId: '$1' })).toBe(false);
    expect(isArchivedMessage(null)).toBe(false);
    expect(isArchivedMessage({ ...archivedMessageFor(item()), sentAt: Number.NaN })).toBe(false);
  });
});
