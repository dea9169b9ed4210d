// Sends what the clinician wrote, in the order it was written, exactly once. Each message is kept in the outbox
// before anything else happens (so a crash, a closed lid or a server that is down loses nothing), then sent with
// the transaction id it was given when written: an attempt whose answer was lost, or that a restart cut short, is
// repeated with the same id and the homeserver stores the message once. While the server is down or asks the
// desktop to slow down, the head of the queue waits with growing pauses and the rest wait behind it (order within a
// room is the order written); a refusal is final for that message, which waits for the clinician to retry or
// discard it, and the queue moves on. A sent message stays tracked until every recipient has read it.
import type { ClientErrorCode } from '../errors/clientErrors.ts';
import type { Clock, CoreLogger } from '../platform.ts';
import type { Outbox } from './outbox.ts';
import { awaitsServer, writtenMessage, type OutgoingMessage } from './outgoingMessage.ts';

/** One attempt at the homeserver; resolves with the event id it stored. */
export type SendAttempt = (
  message: Readonly<{ roomId: string; txnId: string; eventType: string; content: Record<string, unknown> }>,
) => Promise<string>;

/** What a failed attempt means: worth repeating (the server is down, or asked for a pause), or refused. */
export type AttemptFailure = Readonly<{ retry: boolean; problem: ClientErrorCode; retryAfterMs?: number }>;

export type Timers = Readonly<{
  set: (run: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
}>;

/** How a message is written: `awaitsJoinOf` holds it, and the room's later messages, until that user has joined. */
export type WriteOptions = Readonly<{ awaitsJoinOf?: string }>;

export type DeliveryQueueOptions = Readonly<{
  outbox: Outbox;
  send: SendAttempt;
  classify: (error: unknown) => AttemptFailure;
  clock: Clock;
  newTxnId: () => string;
  /** Whether this user has joined this room now (a message held for their join may go); without it, held ones wait. */
  joined?: (roomId: string, userId: string) => boolean;
  /** Every change to a message, once it is kept. */
  changed: (message: OutgoingMessage) => void;
  /** A message the clinician discarded. (A delivered one is announced as changed, then no longer kept.) */
  removed: (txnId: string) => void;
  /**
   * Nothing is kept longer than the desktop keeps messages at all (the policy's clientDays, read when the queue
   * starts); undefined while the policy is not known, when nothing is dropped for age.
   */
  keepForMs: () => number | undefined;
  logger: CoreLogger;
  backoff?: Readonly<{ baseMs: number; maxMs: number }>;
  timers?: Timers;
}>;

export interface DeliveryQueue {
  /** Reads the outbox (after a restart: the messages the server may not have are sent again) and starts sending. */
  start(): Promise<void>;
  /** Keeps the message, then sends it when its turn comes; resolves once it is kept. */
  write(
    roomId: string,
    eventType: string,
    content: Record<string, unknown>,
    options?: WriteOptions,
  ): Promise<OutgoingMessage>;
  /** A failed message, sent again (with its own transaction id). */
  retry(txnId: string): Promise<void>;
  /** A message not yet sent, or failed, is dropped. */
  discard(txnId: string): Promise<void>;
  /** The server answers again (sync is back): try the waiting messages now rather than at their next pause's end. */
  serverReachable(): void;
  /** Marks as delivered the sent messages every recipient has read, and stops tracking them. */
  receiptsChanged(readByEveryone: (roomId: string, eventId: string) => boolean): Promise<void>;
  /** Stops sending and tracking; what is kept stays kept (or is wiped by whoever stopped it). */
  stop(): void;
}

const defaultBackoff = { baseMs: 1_000, maxMs: 60_000 };
const defaultTimers: Timers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

export function createDeliveryQueue(options: DeliveryQueueOptions): DeliveryQueue {
  const { outbox, clock } = options;
  const backoff = options.backoff ?? defaultBackoff;
  const timers = options.timers ?? defaultTimers;
  const log = options.logger.child('delivery');
  const messages = new Map<string, OutgoingMessage>();
  let stopped = false;
  let pumping = false;
  let pumpAgain = false;
  let wakeUp: unknown;
  // Read through functions inside the pump: other calls change them while it awaits, which narrowing cannot see.
  const isStopped = () => stopped;
  const askedAgain = () => pumpAgain;

  async function keep(message: OutgoingMessage): Promise<void> {
    if (stopped) return;
    messages.set(message.txnId, message);
    await outbox.put(message);
    options.changed(message);
  }

  /** Drops the message from the outbox; `announce`: and from the delivery slice (a delivered one stays shown). */
  async function forget(txnId: string, announce: boolean): Promise<void> {
    messages.delete(txnId);
    if (stopped) return;
    await outbox.remove(txnId);
    if (announce) options.removed(txnId);
  }

  /**
   * The message whose turn it is: the oldest the server may not have, but for rooms where a message waits for someone
   * to join (it, and what was written there after it, wait; other rooms go on).
   */
  function head(): OutgoingMessage | undefined {
    const waiting = [...messages.values()]
      .filter(awaitsServer)
      .sort((a, b) => a.writtenAt - b.writtenAt || a.txnId.localeCompare(b.txnId));
    const heldRooms = new Set<string>();
    for (const message of waiting) {
      const { awaitsJoinOf } = message;
      if (awaitsJoinOf !== undefined && !(options.joined?.(message.roomId, awaitsJoinOf) ?? false))
        heldRooms.add(message.roomId);
      if (!heldRooms.has(message.roomId)) return message;
    }
    return undefined;
  }

  function wakeAt(at: number): void {
    if (wakeUp !== undefined) timers.clear(wakeUp);
    wakeUp = timers.set(
      () => {
        wakeUp = undefined;
        pump();
      },
      Math.max(0, at - clock.now()),
    );
  }

  async function attempt(message: OutgoingMessage): Promise<'next' | 'wait'> {
    const content = message.content;
    if (content === null) throw new Error('a message the server may not have has no content');
    const sending: OutgoingMessage = { ...message, status: 'sending', attempts: message.attempts + 1 };
    await keep(sending);
    try {
      const eventId = await options.send({
        roomId: message.roomId,
        txnId: message.txnId,
        eventType: message.eventType,
        content,
      });
      await keep({
        ...sending,
        status: 'sent',
        content: null,
        eventId,
        sentAt: clock.now(),
        problem: null,
        nextAttemptAt: null,
      });
      return 'next';
    } catch (error) {
      const failure = options.classify(error);
      if (!failure.retry) {
        log.warn('a message was refused', { problem: failure.problem, attempts: sending.attempts });
        await keep({ ...sending, status: 'failed', problem: failure.problem, nextAttemptAt: null });
        return 'next';
      }
      const pause = Math.max(
        Math.min(backoff.maxMs, backoff.baseMs * 2 ** (sending.attempts - 1)),
        failure.retryAfterMs ?? 0,
      );
      await keep({
        ...sending,
        status: 'queued',
        problem: failure.problem,
        nextAttemptAt: clock.now() + pause,
      });
      return 'wait';
    }
  }

  /** Sends until the queue is empty or its head must wait; one pump at a time, so order is kept. */
  function pump(): void {
    if (stopped) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    void (async () => {
      try {
        do {
          pumpAgain = false;
          for (let next = head(); next && !isStopped(); next = head()) {
            if ((next.nextAttemptAt ?? 0) > clock.now()) {
              wakeAt(next.nextAttemptAt ?? 0);
              break;
            }
            if ((await attempt(next)) === 'wait') {
              const waiting = messages.get(next.txnId);
              if (waiting?.nextAttemptAt) wakeAt(waiting.nextAttemptAt);
              break;
            }
          }
        } while (askedAgain() && !isStopped());
      } catch (error) {
        // The outbox could not be written (disk full, storage gone), or an attempt failed in a way no answer
        // explains: nothing was sent that is not kept. Try later.
        log.error('sending is paused: the outbox could not be written or an attempt broke', {
          error: error instanceof Error ? error.name : 'unknown',
        });
        wakeAt(clock.now() + backoff.maxMs);
      } finally {
        pumping = false;
      }
    })();
  }

  return {
    start: async () => {
      const keepForMs = options.keepForMs();
      const oldestKept = keepForMs === undefined ? Number.NEGATIVE_INFINITY : clock.now() - keepForMs;
      for (const kept of await outbox.all()) {
        if (kept.writtenAt < oldestKept) {
          await outbox.remove(kept.txnId);
          continue;
        }
        // An attempt a restart cut short: the server may or may not have it; the same id makes sending it safe.
        const message: OutgoingMessage =
          kept.status === 'sending' ? { ...kept, status: 'queued', nextAttemptAt: clock.now() } : kept;
        messages.set(message.txnId, message);
        options.changed(message);
      }
      pump();
    },
    write: async (roomId, eventType, content, writeOptions = {}) => {
      if (stopped) throw new Error('the delivery queue has stopped');
      const written = writtenMessage({ txnId: options.newTxnId(), roomId, eventType, content }, clock.now());
      const { awaitsJoinOf } = writeOptions;
      const message = awaitsJoinOf === undefined ? written : { ...written, awaitsJoinOf };
      await keep(message);
      pump();
      return message;
    },
    retry: async (txnId) => {
      const message = messages.get(txnId);
      if (message?.status !== 'failed') return;
      await keep({ ...message, status: 'queued', nextAttemptAt: clock.now() });
      pump();
    },
    discard: async (txnId) => {
      const message = messages.get(txnId);
      if (message?.status !== 'queued' && message?.status !== 'failed') return;
      await forget(txnId, true);
    },
    serverReachable: () => {
      for (const message of messages.values()) {
        if (message.status === 'queued')
          messages.set(message.txnId, { ...message, nextAttemptAt: clock.now() });
      }
      pump();
    },
    receiptsChanged: async (readByEveryone) => {
      for (const message of [...messages.values()]) {
        if (message.status !== 'sent' || message.eventId === null) continue;
        if (!readByEveryone(message.roomId, message.eventId)) continue;
        options.changed({ ...message, status: 'delivered' });
        await forget(message.txnId, false);
      }
    },
    stop: () => {
      stopped = true;
      if (wakeUp !== undefined) timers.clear(wakeUp);
    },
  };
}
