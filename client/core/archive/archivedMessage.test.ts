import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '../stores/timelineSlice.ts';
import { archivedMessageFor, isArchivedMessage } from './archivedMessage.ts';
import { decryptedMessage } from '../stores/timelineItem.testkit.ts';

function item(change: Partial<TimelineItem> = {}): TimelineItem {
  return decryptedMessage({
    id: '$event1',
    roomId: '!ward:a',
    sender: '@amelia:a',
    sentAt: 1_700_000_000_000,
    body: 'Bed 4 needs review',
    ...change,
  });
}

describe('what the archive keeps', () => {
  it('keeps a decrypted message as plain data', () => {
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
    expect(isArchivedMessage(message)).toBe(true);
  });

  it('keeps the message a reply answers', () => {
    expect(archivedMessageFor(item({ replyTo: '$original' }))).toMatchObject({ replyTo: '$original' });
    expect(archivedMessageFor(item())).not.toHaveProperty('replyTo');
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
    expect(archivedMessageFor(item({ kind: 'deleted', body: null }))).toBeUndefined();
  });

  it('reads back only records that have the shape of a message', () => {
    expect(isArchivedMessage({ eventId: '$1' })).toBe(false);
    expect(isArchivedMessage(null)).toBe(false);
    expect(isArchivedMessage({ ...archivedMessageFor(item()), sentAt: Number.NaN })).toBe(false);
  });
});
