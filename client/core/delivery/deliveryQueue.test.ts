// The delivery queue with a stand-in homeserver (unit test only: a function that answers as told, recording every
// attempt), a real outbox over in-memory storage and the real archive cipher, a clock and timers the test moves.
// client/test/integration/messageDelivery.test.ts proves the same against the real stack.
import { describe, expect, it } from 'vitest';
import { createArchiveCipher } from '../archive/archiveCipher.ts';
import { createMemoryArchiveStorage } from '../archive/memoryArchiveStorage.testkit.ts';
import type { CoreLogger } from '../platform.ts';
import { createDeliveryQueue, type AttemptFailure, type SendAttempt } from './deliveryQueue.ts';
import { openOutbox } from './outbox.ts';
import type { OutgoingMessage } from './outgoingMessage.ts';

const silent: CoreLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
};
const randomBytes = (length: number) => crypto.getRandomValues(new Uint8Array(length));
const dayMs = 86_400_000;
// Long enough for the queue's sealed writes (WebCrypto) and attempts in flight to finish.
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

class ServerDown extends Error {}
class Refused extends Error {}
const classify = (error: unknown): AttemptFailure =>
  error instanceof ServerDown
    ? { retry: true, problem: 'server-down' }
    : error instanceof Refused
      ? { retry: false, problem: 'unexpected-answer' }
      : { retry: false, problem: 'unexpected-answer' };

type Attempt = Readonly<{ txnId: string; roomId: string; body: unknown }>;

async function desktop() {
  const storage = createMemoryArchiveStorage();
  const cipher = await createArchiveCipher(randomBytes(32), randomBytes);
  let now = Date.UTC(2026, 10, 28, 9);
  let wake: { run: () => void; at: number } | undefined;
  return {
    storage,
    cipher,
    clock: { now: () => now },
    advance: (ms: number) => {
      now += ms;
    },
    timers: {
      set: (run: () => void, ms: number) => {
        wake = { run, at: now + ms };
        return wake;
      },
      clear: (handle: unknown) => {
        if (wake === handle) wake = undefined;
      },
    },
    /** Moves the clock to the queue's next wake-up and runs it. */
    wakeUp: async () => {
      const pending = wake;
      if (!pending) throw new Error('the queue is not waiting for anything');
      wake = undefined;
      now = Math.max(now, pending.at);
      pending.run();
      await settle();
    },
    waiting: () => wake,
  };
}

/** A stand-in homeserver: stores each transaction id once, as the real one does; `answer` can fail an attempt. */
function homeserver() {
  const attempts: Attempt[] = [];
  const stored = new Map<string, string>();
  let answer: (attempt: Attempt) => Promise<void> = () => Promise.resolve();
  const send: SendAttempt = async ({ txnId, roomId, content }) => {
    const attempt = { txnId, roomId, body: content.body };
    attempts.push(attempt);
    await answer(attempt);
    const eventId = stored.get(txnId) ?? `$event-${String(stored.size + 1)}`;
    stored.set(txnId, eventId);
    return eventId;
  };
  return {
    send,
    attempts,
    stored,
    answerWith: (next: (attempt: Attempt) => Promise<void>) => {
      answer = next;
    },
  };
}

async function queueOn(
  machine: Awaited<ReturnType<typeof desktop>>,
  server: ReturnType<typeof homeserver>,
  joined?: (roomId: string, userId: string) => boolean,
) {
  const shown = new Map<string, OutgoingMessage>();
  let txn = 0;
  const queue = createDeliveryQueue({
    outbox: openOutbox({ storage: machine.storage, cipher: machine.cipher, logger: silent }),
    send: server.send,
    classify,
    clock: machine.clock,
    newTxnId: () => `txn-${String((txn += 1))}-${crypto.randomUUID()}`,
    changed: (message) => shown.set(message.txnId, message),
    removed: (txnId) => shown.delete(txnId),
    keepForMs: () => 90 * dayMs,
    logger: silent,
    timers: machine.timers,
    ...(joined ? { joined } : {}),
  });
  await queue.start();
  return { queue, shown, statuses: () => [...shown.values()].map((message) => message.status) };
}

const text = (body: string) => ({ msgtype: 'm.text', body });

describe('the delivery queue', () => {
  it('keeps a message sealed before it tries to send it, and drops the content once the server has it', async () => {
    const machine = await desktop();
    const server = homeserver();
    let release: () => void = () => undefined;
    server.answerWith(() => new Promise<void>((resolve) => (release = resolve)));
    const { queue, shown } = await queueOn(machine, server);

    const written = await queue.write('!ward:a', 'm.room.message', text('Bed 4: query sepsis'));

    // Kept before the attempt: on disk as one sealed record that does not hold the text.
    const records = [...machine.storage.records.entries()];
    expect(records).toHaveLength(1);
    expect(Buffer.from(records[0]?.[1] ?? []).includes(Buffer.from('sepsis'))).toBe(false);
    await settle();
    expect(shown.get(written.txnId)?.status).toBe('sending');
    release();
    await settle();
    expect(shown.get(written.txnId)).toMatchObject({ status: 'sent', eventId: '$event-1', content: null });
    const kept = await openOutbox({ storage: machine.storage, cipher: machine.cipher, logger: silent }).all();
    expect(kept).toMatchObject([{ txnId: written.txnId, status: 'sent', content: null }]);
  });

  it('sends in the order written, and while the server is down the head waits with growing pauses and the rest behind it', async () => {
    const machine = await desktop();
    const server = homeserver();
    server.answerWith(() => Promise.reject(new ServerDown()));
    const { queue, shown } = await queueOn(machine, server);

    const first = await queue.write('!ward:a', 'm.room.message', text('first'));
    const second = await queue.write('!ward:a', 'm.room.message', text('second'));
    await settle();
    expect(server.attempts.map((attempt) => attempt.body)).toEqual(['first']);
    expect(shown.get(first.txnId)).toMatchObject({ status: 'queued', problem: 'server-down', attempts: 1 });
    const firstPause = (machine.waiting()?.at ?? 0) - machine.clock.now();
    await machine.wakeUp();
    const secondPause = (machine.waiting()?.at ?? 0) - machine.clock.now();
    expect(secondPause).toBeGreaterThan(firstPause);
    expect(server.attempts.map((attempt) => attempt.body)).toEqual(['first', 'first']);

    server.answerWith(() => Promise.resolve());
    await machine.wakeUp();
    await settle();
    expect(server.attempts.map((attempt) => attempt.body)).toEqual(['first', 'first', 'first', 'second']);
    // Every attempt at one message used the id it was written with.
    expect(new Set(server.attempts.slice(0, 3).map((attempt) => attempt.txnId))).toEqual(
      new Set([first.txnId]),
    );
    expect(shown.get(first.txnId)?.status).toBe('sent');
    expect(shown.get(second.txnId)?.status).toBe('sent');
    expect(server.stored.size).toBe(2);
  });

  it("holds a message written for someone's join, and that room's later messages, while other rooms go on", async () => {
    const machine = await desktop();
    const server = homeserver();
    const members = new Set<string>();
    const { queue, shown } = await queueOn(machine, server, (roomId, userId) =>
      members.has(`${roomId} ${userId}`),
    );

    const referral = await queue.write('!referral:a', 'm.room.message', text('referral'), {
      awaitsJoinOf: '@bea:b',
    });
    await queue.write('!referral:a', 'm.room.message', text('after the referral'));
    await queue.write('!ward:a', 'm.room.message', text('elsewhere'));
    await settle();
    expect(server.attempts.map((attempt) => attempt.body)).toEqual(['elsewhere']);
    expect(shown.get(referral.txnId)).toMatchObject({ status: 'queued', awaitsJoinOf: '@bea:b' });

    members.add('!referral:a @bea:b');
    queue.serverReachable();
    await settle();
    expect(server.attempts.map((attempt) => attempt.body)).toEqual([
      'elsewhere',
      'referral',
      'after the referral',
    ]);
  });

  it('tries at once when the server is reachable again, not at the end of its pause', async () => {
    const machine = await desktop();
    const server = homeserver();
    server.answerWith(() => Promise.reject(new ServerDown()));
    const { queue, shown } = await queueOn(machine, server);
    const written = await queue.write('!ward:a', 'm.room.message', text('after the outage'));
    await settle();
    server.answerWith(() => Promise.resolve());
    queue.serverReachable();
    await settle();
    expect(shown.get(written.txnId)?.status).toBe('sent');
  });

  it('sends once what a lost answer left unclear: the repeat carries the same id, and the server keeps one', async () => {
    const machine = await desktop();
    const server = homeserver();
    let lose = true;
    server.answerWith(() => {
      // The server stores it (the stand-in records the id after answer), and the answer is lost on the way back.
      if (!lose) return Promise.resolve();
      lose = false;
      return Promise.reject(new ServerDown());
    });
    const { queue } = await queueOn(machine, server);
    await queue.write('!ward:a', 'm.room.message', text('once'));
    await settle();
    await machine.wakeUp();
    expect(server.attempts).toHaveLength(2);
    expect(server.attempts[0]?.txnId).toBe(server.attempts[1]?.txnId);
    expect(server.stored.size).toBe(1);
  });

  it('marks a refused message failed and moves on; the clinician can retry it (same id) or discard it', async () => {
    const machine = await desktop();
    const server = homeserver();
    server.answerWith((attempt) =>
      attempt.body === 'refused' ? Promise.reject(new Refused()) : Promise.resolve(),
    );
    const { queue, shown } = await queueOn(machine, server);
    const refused = await queue.write('!ward:a', 'm.room.message', text('refused'));
    const next = await queue.write('!ward:a', 'm.room.message', text('next'));
    await settle();
    expect(shown.get(refused.txnId)).toMatchObject({ status: 'failed', problem: 'unexpected-answer' });
    expect(shown.get(next.txnId)?.status).toBe('sent');
    expect(machine.waiting()).toBeUndefined();

    server.answerWith(() => Promise.resolve());
    await queue.retry(refused.txnId);
    await settle();
    expect(shown.get(refused.txnId)?.status).toBe('sent');
    expect(server.attempts.filter((attempt) => attempt.txnId === refused.txnId)).toHaveLength(2);

    server.answerWith(() => Promise.reject(new Refused()));
    const dropped = await queue.write('!ward:a', 'm.room.message', text('dropped'));
    await settle();
    await queue.discard(dropped.txnId);
    expect(shown.has(dropped.txnId)).toBe(false);
    const kept = await openOutbox({ storage: machine.storage, cipher: machine.cipher, logger: silent }).all();
    expect(kept.map((message) => message.txnId)).not.toContain(dropped.txnId);
    // A sent message cannot be discarded: the server has it.
    await queue.discard(next.txnId);
    expect(shown.get(next.txnId)?.status).toBe('sent');
  });

  it('after a restart, sends again with the same id what an attempt in flight left unclear, and keeps what was sent', async () => {
    const machine = await desktop();
    const server = homeserver();
    server.answerWith(() => new Promise<void>(() => undefined));
    const before = await queueOn(machine, server);
    const inFlight = await before.queue.write('!ward:a', 'm.room.message', text('in flight at the crash'));
    await settle();
    expect(before.shown.get(inFlight.txnId)?.status).toBe('sending');
    before.queue.stop();

    server.answerWith(() => Promise.resolve());
    const after = await queueOn(machine, server);
    await settle();
    expect(after.shown.get(inFlight.txnId)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(server.attempts.map((attempt) => attempt.txnId)).toEqual([inFlight.txnId, inFlight.txnId]);
    expect(server.stored.size).toBe(1);
  });

  it('marks a sent message delivered once everyone has read it, and keeps it no longer', async () => {
    const machine = await desktop();
    const server = homeserver();
    const { queue, shown } = await queueOn(machine, server);
    const written = await queue.write('!ward:a', 'm.room.message', text('read me'));
    await settle();
    await queue.receiptsChanged(() => false);
    expect(shown.get(written.txnId)?.status).toBe('sent');
    await queue.receiptsChanged((roomId, eventId) => roomId === '!ward:a' && eventId === '$event-1');
    expect(shown.get(written.txnId)?.status).toBe('delivered');
    expect(machine.storage.records.size).toBe(0);
  });

  it('drops at start what was written longer ago than the desktop keeps messages', async () => {
    const machine = await desktop();
    const server = homeserver();
    server.answerWith(() => Promise.reject(new Refused()));
    const before = await queueOn(machine, server);
    await before.queue.write('!ward:a', 'm.room.message', text('old'));
    await settle();
    before.queue.stop();
    machine.advance(91 * dayMs);
    const after = await queueOn(machine, server);
    expect(after.shown.size).toBe(0);
    expect(machine.storage.records.size).toBe(0);
  });

  it('sends nothing it could not keep first', async () => {
    const machine = await desktop();
    const server = homeserver();
    const { queue } = await queueOn(machine, server);
    machine.storage.write = () => Promise.reject(new Error('disk full'));
    await expect(queue.write('!ward:a', 'm.room.message', text('unsaved'))).rejects.toThrow('disk full');
    await settle();
    expect(server.attempts).toHaveLength(0);
  });
});
