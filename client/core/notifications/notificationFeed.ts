// Notifications of new messages, as the store shows them: a message from someone else that arrived while the session
// is ready, sent since it became ready (history, the archive and what came while the desktop was off do not ring),
// not in the room the clinician has open (the view slice), each once (an edit or a reaction does not ring again),
// worded as the trust's policy allows (notificationContent.ts). The renderer subscribes and shows them.
import type { Clock } from '../platform.ts';
import { selectDisplayName } from '../stores/selectors/peopleSelectors.ts';
import type { BleepState, BleepStore } from '../stores/bleepStore.ts';
import type { TimelineItem } from '../stores/timelineSlice.ts';
import { notificationFor, type BleepNotification } from './notificationContent.ts';

export interface NotificationFeed {
  /** Calls the listener with each notification to show; returns its unsubscribe. */
  subscribe(listener: (notification: BleepNotification) => void): () => void;
  /** Stops watching the store. */
  dispose(): void;
}

export function createNotificationFeed(
  deps: Readonly<{ store: BleepStore; clock: Clock }>,
): NotificationFeed {
  const { store, clock } = deps;
  const listeners = new Set<(notification: BleepNotification) => void>();
  /** Items decided on (notified or not); an item still encrypted is decided once it decrypts. */
  const seen = new Set<string>();
  let readySince: number | null = null;

  function notification(state: BleepState, item: TimelineItem): BleepNotification | undefined {
    if (item.kind !== 'message' || item.sender === state.session.userId) return undefined;
    if (readySince === null || item.sentAt < readySince) return undefined;
    if (state.view.openRoomId === item.roomId) return undefined;
    const room = state.rooms.byId[item.roomId];
    if (room?.membership !== undefined && room.membership !== 'join') return undefined;
    return notificationFor(item, {
      content: state.session.policy?.notificationContent ?? null,
      senderName: selectDisplayName(item.roomId, item.sender)(state),
      roomName: room === undefined || room.kind === 'direct' ? null : room.name,
    });
  }

  const unsubscribe = store.subscribe((state, previous) => {
    if (state.session.status !== 'ready') {
      readySince = null;
      seen.clear();
      return;
    }
    if (readySince === null) {
      // What the store holds when the session becomes ready (the archive, the first sync) is history: it rings nothing.
      readySince = clock.now();
      for (const items of Object.values(state.timeline.byRoom))
        for (const item of items) if (item.kind !== 'encrypted') seen.add(item.id);
      return;
    }
    if (state.timeline === previous.timeline) return;
    const shown: BleepNotification[] = [];
    for (const [roomId, items] of Object.entries(state.timeline.byRoom)) {
      if (items === previous.timeline.byRoom[roomId]) continue;
      for (const item of items) {
        if (seen.has(item.id) || item.kind === 'encrypted') continue;
        seen.add(item.id);
        const made = notification(state, item);
        if (made) shown.push(made);
      }
    }
    for (const made of shown) for (const listener of listeners) listener(made);
  });

  return {
    subscribe: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    dispose: () => {
      unsubscribe();
      listeners.clear();
    },
  };
}
