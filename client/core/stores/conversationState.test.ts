import { describe, expect, it } from 'vitest';
import { createBleepStore } from './bleepStore.ts';
import type { RoomSummary } from './roomsSlice.ts';
import { selectDisplayName } from './selectors/peopleSelectors.ts';
import { selectOwnMessageStatus, selectReadBy } from './selectors/receiptSelectors.ts';
import { selectTyping } from './selectors/typingSelectors.ts';
import type { TimelineItem } from './timelineSlice.ts';
import { decryptedMessage } from './timelineItem.testkit.ts';

const me = '@amelia:trust-a.example';
const bea = '@bea:trust-b.example';
const chidi = '@chidi:trust-a.example';
const roomId = '!referral:trust-a.example';

function summary(change: Partial<RoomSummary> = {}): RoomSummary {
  return {
    roomId,
    name: 'Referral',
    kind: 'referral',
    partnerTrust: { serverName: 'trust-b.example', name: 'Trust B' },
    directWith: null,
    members: [
      { userId: me, displayName: 'Dr Amelia Hart', membership: 'join' },
      { userId: bea, displayName: 'Ms Bea Lindqvist', membership: 'join' },
      { userId: chidi, displayName: 'Dr Chidi Okafor', membership: 'join' },
    ],
    urgentUnread: false,
    referral: null,
    membership: 'join',
    encrypted: true,
    joinedMembers: 3,
    invitedMembers: 0,
    lastActivityAt: 1,
    unreadCount: 0,
    invitedBy: null,
    ...change,
  };
}

function item(id: string, change: Partial<TimelineItem> = {}): TimelineItem {
  return decryptedMessage({ id, roomId, sender: me, sentAt: 10, sendStatus: 'sent', ...change });
}

const upsert = (entry: TimelineItem) => ({ change: 'upsert' as const, item: entry });

describe("a conversation's state in the store", () => {
  it("lays the referral message's patient and reason over the room's summary, from the archive before the room is known", () => {
    const store = createBleepStore();
    const referral = item('$ref', {
      sentAt: 5,
      patient: { nhsNumber: '9434765919', filedAt: null },
      referral: { reason: 'suspected cauda equina' },
    });
    // The archive's messages are shown before the first sync brings the room.
    store.getState().applySyncBatch({ rooms: [], removedRooms: [], timeline: [upsert(referral)] });
    store.getState().applySyncBatch({ rooms: [summary()], removedRooms: [], timeline: [] });
    const expected = {
      nhsNumber: '9434765919',
      reason: 'suspected cauda equina',
      referredBy: me,
      referredAt: 5,
    };
    expect(store.getState().rooms.byId[roomId]?.referral).toEqual(expected);
    // A later summary from sync (which knows nothing of it) keeps it.
    store.getState().applySyncBatch({ rooms: [summary({ unreadCount: 2 })], removedRooms: [], timeline: [] });
    expect(store.getState().rooms.byId[roomId]).toMatchObject({ unreadCount: 2, referral: expected });
    // The sweep deleted the referral message: the summary no longer shows it.
    store.getState().expirySwept({
      sweptAt: 100,
      clientDays: 90,
      before: 50,
      oldestKeptAt: null,
      oldestOutsideHoldAt: null,
      keptRoomIds: [],
      legalHolds: { status: 'in-force', roomIds: [], checkedAt: 100 },
      removed: 1,
      kept: 0,
    });
    expect(store.getState().rooms.byId[roomId]?.referral).toBeNull();
  });

  it('shows who read an own message, sending to read-by-all, the same array until readers change', () => {
    const store = createBleepStore();
    store.getState().applySyncBatch({
      rooms: [summary()],
      removedRooms: [],
      timeline: [
        upsert(item('~local', { sendStatus: 'sending' })),
        upsert(item('$theirs', { sender: bea, sendStatus: null })),
      ],
    });
    expect(selectOwnMessageStatus(roomId, '~local')(store.getState())).toBe('sending');
    expect(selectOwnMessageStatus(roomId, '$theirs')(store.getState())).toBeNull();
    store.getState().applySyncBatch({
      rooms: [],
      removedRooms: [],
      timeline: [{ change: 'upsert', item: item('$mine'), replacesId: '~local' }],
      receipts: [{ roomId, readBy: { $mine: [] } }],
    });
    expect(selectOwnMessageStatus(roomId, '$mine')(store.getState())).toBe('sent');
    store.getState().applySyncBatch({
      rooms: [],
      removedRooms: [],
      timeline: [],
      receipts: [{ roomId, readBy: { $mine: [bea] } }],
    });
    const readers = selectReadBy(roomId, '$mine')(store.getState());
    expect(readers).toEqual([bea]);
    expect(selectOwnMessageStatus(roomId, '$mine')(store.getState())).toBe('read');
    store.getState().applySyncBatch({
      rooms: [],
      removedRooms: [],
      timeline: [],
      receipts: [{ roomId, readBy: { $mine: [bea] } }],
    });
    expect(selectReadBy(roomId, '$mine')(store.getState())).toBe(readers);
    store.getState().applySyncBatch({
      rooms: [],
      removedRooms: [],
      timeline: [],
      receipts: [{ roomId, readBy: { $mine: [bea, chidi] } }],
    });
    expect(selectOwnMessageStatus(roomId, '$mine')(store.getState())).toBe('read-by-all');
  });

  it('places history read back from the server by send time; a live message still goes at the end', () => {
    const store = createBleepStore();
    const at = (id: string, sentAt: number) => item(id, { sentAt });
    store.getState().applySyncBatch({ rooms: [], removedRooms: [], timeline: [upsert(at('$join', 30))] });
    store.getState().applySyncBatch({
      rooms: [],
      removedRooms: [],
      timeline: [
        { change: 'upsert', item: at('$second', 20), historical: true },
        { change: 'upsert', item: at('$first', 10), historical: true },
        upsert(at('$skewed', 25)),
      ],
    });
    expect(store.getState().timeline.byRoom[roomId]?.map((entry) => entry.id)).toEqual([
      '$first',
      '$second',
      '$join',
      '$skewed',
    ]);
  });

  it('keeps who is typing per room, and names people by their display name in the room (else anywhere, else local part)', () => {
    const store = createBleepStore();
    store.getState().applySyncBatch({ rooms: [summary()], removedRooms: [], timeline: [] });
    store.getState().typingChanged(roomId, [chidi, bea]);
    const typing = selectTyping(roomId)(store.getState());
    expect(typing).toEqual([bea, chidi]);
    store.getState().typingChanged(roomId, [bea, chidi]);
    expect(selectTyping(roomId)(store.getState())).toBe(typing);
    store.getState().typingChanged(roomId, []);
    expect(selectTyping(roomId)(store.getState())).toEqual([]);
    expect(selectDisplayName(roomId, bea)(store.getState())).toBe('Ms Bea Lindqvist');
    expect(selectDisplayName('!elsewhere:a', chidi)(store.getState())).toBe('Dr Chidi Okafor');
    expect(selectDisplayName(roomId, '@someone.else:trust-c.example')(store.getState())).toBe('someone.else');
  });
});
