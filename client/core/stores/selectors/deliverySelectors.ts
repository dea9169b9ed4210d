// Reading the delivery slice: a room's messages in the order written, and the ones to flag to their sender.
import type { OutgoingMessage } from '../../delivery/outgoingMessage.ts';
import type { BleepState } from '../bleepStore.ts';

const hourMs = 3_600_000;

export function selectRoomDeliveries(state: BleepState, roomId: string): OutgoingMessage[] {
  return Object.values(state.delivery.messages)
    .filter((message) => message.roomId === roomId)
    .sort((a, b) => a.writtenAt - b.writtenAt || a.txnId.localeCompare(b.txnId));
}

/** Messages that need the clinician: refused by the server, or waiting a long time for it. */
export function selectUndeliverable(state: BleepState): OutgoingMessage[] {
  return Object.values(state.delivery.messages).filter((message) => message.status === 'failed');
}

/**
 * Sent messages some recipient has not read while the server's window (the policy's serverHours) is closing: after
 * it the server no longer holds them, and a recipient who has not synced by then never gets them. Flagged from the
 * last sixth of the window (12 hours of 72), at least the last hour.
 */
export function selectUnreadNearServerWindow(state: BleepState, now: number): OutgoingMessage[] {
  const serverHours = state.session.policy?.retention.serverHours;
  if (serverHours === undefined) return [];
  const windowMs = serverHours * hourMs;
  const warnMs = Math.max(hourMs, windowMs / 6);
  return Object.values(state.delivery.messages).filter(
    (message) =>
      message.status === 'sent' && message.sentAt !== null && now >= message.sentAt + windowMs - warnMs,
  );
}
