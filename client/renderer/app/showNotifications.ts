/// <reference lib="dom" />
// Shows the core's notifications (worded as the trust's policy allows: notifications/notificationContent.ts) with the
// Web Notification API, which the desktop shell permits and nothing else. While Bleep is locked a notification says
// only that something arrived, whatever the policy allows: the person at the screen may not be the clinician.
import type { ScreenLock } from '../../core/lock/screenLock.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';

export function showNotifications(session: BleepSession, lock: ScreenLock): () => void {
  return session.notifications.subscribe((notification) => {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    const locked = lock.store.getState().status !== 'unlocked';
    new Notification(locked ? 'Bleep' : notification.title, {
      body: locked ? 'New message' : notification.body,
      // One notification per conversation: a newer one replaces it.
      tag: notification.roomId,
    });
  });
}

/** Asks once, from a click (browsers ignore a request made without one). */
export function askForNotifications(): void {
  if ('Notification' in window && Notification.permission === 'default')
    void Notification.requestPermission();
}
