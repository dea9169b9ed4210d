import { describe, expect, it } from 'vitest';
import { manualClock } from '../platform.testkit.ts';
import { createBleepStore } from '../stores/bleepStore.ts';
import { policyView } from '../stores/policyView.testkit.ts';
import type { RoomSummary } from '../stores/roomsSlice.ts';
import type { TimelineItem } from '../stores/timelineSlice.ts';
import type { BleepNotification } from './notificationContent.ts';
import { createNotificationFeed } from './notificationFeed.ts';
import { decryptedMessage } from '../stores/timelineItem.testkit.ts';

const me = '@chidi:trust-a.example';
const amelia = '@amelia:trust-a.example';
const now = Date.UTC(2026, 10, 28, 9);

function item(id: string, change: Partial<TimelineItem> = {}): TimelineItem {
  return decryptedMessage({ id, roomId: '!ward:a', sender: amelia, sentAt: now + 1, ...change });
}

function room(roomId: string): RoomSummary {
  return {
    roomId,
    name: 'Ward 12',
    kind: 'team',
    partnerTrust: null,
    directWith: null,
    members: [{ userId: amelia, displayName: 'Dr Amelia Hart', membership: 'join' }],
    urgentUnread: false,
    referral: null,
    membership: 'join',
    encrypted: true,
    joinedMembers: 2,
    invitedMembers: 0,
    lastActivityAt: 1,
    unreadCount: 0,
    invitedBy: null,
  };
}

function feedOver(notificationContent: 'none' | 'sender' | 'full') {
  const store = createBleepStore();
  store.getState().policyLoaded(policyView({ notificationContent }));
  const feed = createNotificationFeed({ store, clock: manualClock(now) });
  const shown: BleepNotification[] = [];
  feed.subscribe((notification) => shown.push(notification));
  const arrive = (...items: TimelineItem[]) => {
    store.getState().applySyncBatch({
      rooms: [room('!ward:a'), room('!other:a')],
      removedRooms: [],
      timeline: items.map((entry) => ({ change: 'upsert' as const, item: entry })),
    });
  };
  return { store, feed, shown, arrive };
}

describe('the notification feed', () => {
  it("rings once for a new message from someone else, once it has decrypted, worded by the policy ('sender')", () => {
    const { store, shown, arrive } = feedOver('sender');
    store.getState().sessionStarted({ userId: me, deviceId: 'DESK' });
    arrive(item('$1', { kind: 'encrypted', decryption: 'pending', body: null }));
    expect(shown).toEqual([]);
    arrive(item('$1'));
    arrive(item('$1', { body: 'edited', editedAt: now + 2 }));
    expect(shown).toEqual([{ title: 'Dr Amelia Hart', body: 'New message', roomId: '!ward:a' }]);
  });

  it('does not ring for own messages, history from before the session was ready, or the room the clinician has open', () => {
    const { store, shown, arrive } = feedOver('full');
    arrive(item('$before-ready'));
    store.getState().sessionStarted({ userId: me, deviceId: 'DESK' });
    arrive(item('$old', { sentAt: now - 1 }), item('$mine', { sender: me, sendStatus: 'sent' }));
    store.getState().roomOpened('!ward:a');
    arrive(item('$looking'));
    arrive(item('$elsewhere', { roomId: '!other:a' }));
    expect(shown).toEqual([
      { title: 'Dr Amelia Hart in Ward 12', body: 'text of $elsewhere', roomId: '!other:a' },
    ]);
  });

  it('stops after dispose, and rings nothing once the session has ended', () => {
    const { store, feed, shown, arrive } = feedOver('none');
    store.getState().sessionStarted({ userId: me, deviceId: 'DESK' });
    store.getState().sessionEnded({ code: 'session-ended', message: 'ended' });
    arrive(item('$after-end'));
    store.getState().sessionStarted({ userId: me, deviceId: 'DESK' });
    feed.dispose();
    arrive(item('$after-dispose'));
    expect(shown).toEqual([]);
  });
});
