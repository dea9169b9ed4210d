// Where the clinician's messages go while their session has expired (soft logout): into the outbox, sealed, exactly as
// the running session's queue keeps them, and nowhere else. Nothing is sent: there is no token to send with. When
// the clinician signs in again, the new session's delivery queue reads the outbox and sends them, each once, with
// the transaction id it was written with (delivery/deliveryQueue.ts).
import { createArchiveCipher } from '../archive/archiveCipher.ts';
import { archiveKey } from '../archive/archiveKey.ts';
import type { DeliveryQueue } from '../delivery/deliveryQueue.ts';
import { openOutbox } from '../delivery/outbox.ts';
import { writtenMessage, type OutgoingMessage } from '../delivery/outgoingMessage.ts';
import { newTxnId } from '../delivery/sessionDelivery.ts';
import type { Platform } from '../platform.ts';
import type { BleepStore } from '../stores/bleepStore.ts';

export interface HeldDelivery extends DeliveryQueue {
  /** Stops taking messages; resolves once every message written is kept (the next session reads them then). */
  close(): Promise<void>;
}

export async function openHeldDelivery(platform: Platform, store: BleepStore): Promise<HeldDelivery> {
  const cipher = await createArchiveCipher(await archiveKey(platform), platform.randomBytes);
  const outbox = openOutbox({ storage: platform.archive, cipher, logger: platform.logger });
  const messages = new Map<string, OutgoingMessage>();
  const writing = new Set<Promise<unknown>>();
  let closed = false;

  /** Kept before it is shown, and waited for at close. */
  async function keep(message: OutgoingMessage): Promise<void> {
    const kept = outbox.put(message);
    writing.add(kept);
    try {
      await kept;
    } finally {
      writing.delete(kept);
    }
    messages.set(message.txnId, message);
    store.getState().deliveryChanged(message);
  }

  function open(): void {
    if (closed) throw new Error('the session is starting again: write to its delivery queue');
  }

  return {
    start: async () => {
      for (const message of await outbox.all()) {
        messages.set(message.txnId, message);
        store.getState().deliveryChanged(message);
      }
    },
    write: async (roomId, eventType, content) => {
      open();
      const message = writtenMessage(
        { txnId: newTxnId(platform.randomBytes), roomId, eventType, content },
        platform.clock.now(),
      );
      await keep(message);
      return message;
    },
    retry: async (txnId) => {
      open();
      const message = messages.get(txnId);
      if (message?.status !== 'failed') return;
      await keep({ ...message, status: 'queued', nextAttemptAt: platform.clock.now() });
    },
    discard: async (txnId) => {
      open();
      const message = messages.get(txnId);
      if (message?.status !== 'queued' && message?.status !== 'failed') return;
      await outbox.remove(txnId);
      messages.delete(txnId);
      store.getState().deliveryRemoved(txnId);
    },
    // Nothing is sent or tracked while the session is expired.
    serverReachable: () => undefined,
    receiptsChanged: () => Promise.resolve(),
    stop: () => {
      closed = true;
    },
    close: async () => {
      closed = true;
      await Promise.allSettled([...writing]);
    },
  };
}
