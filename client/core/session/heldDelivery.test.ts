// The outbox while a session has expired, over in-memory storage with the real archive key and cipher; the queue of
// the session that follows reads the same outbox. client/test/integration/sessionRenewal.test.ts proves it against
// the real stack.
import { describe, expect, it } from 'vitest';
import { createArchiveCipher } from '../archive/archiveCipher.ts';
import { archiveKey } from '../archive/archiveKey.ts';
import { createDeliveryQueue } from '../delivery/deliveryQueue.ts';
import { openOutbox } from '../delivery/outbox.ts';
import { createTestPlatform } from '../platform.testkit.ts';
import { createBleepStore } from '../stores/bleepStore.ts';
import { openHeldDelivery } from './heldDelivery.ts';

describe('messages written while the session has expired', () => {
  it('are kept sealed in the outbox and shown queued, and nothing is sent', async () => {
    let fetched = 0;
    const { platform, archive } = createTestPlatform({
      fetch: () => {
        fetched += 1;
        return Promise.reject(new TypeError('fetch failed'));
      },
    });
    const store = createBleepStore();
    const held = await openHeldDelivery(platform, store);
    const written = await held.write('!ward7:trust-a.example', 'm.room.message', {
      msgtype: 'm.text',
      body: 'Bed 4 needs review',
    });
    expect(written).toMatchObject({ status: 'queued', attempts: 0 });
    expect(written.txnId).toMatch(/^bleep-[0-9a-f]{24}$/);
    expect(store.getState().delivery.messages[written.txnId]).toEqual(written);
    expect(fetched).toBe(0);
    const onDisk = [...archive.records.values()].map((bytes) => Buffer.from(bytes).toString('utf8'));
    expect(onDisk).toHaveLength(1);
    expect(onDisk[0]).not.toContain('Bed 4');
  });

  it('are sent, each once, by the queue of the session that follows', async () => {
    const { platform, clock } = createTestPlatform();
    const store = createBleepStore();
    const held = await openHeldDelivery(platform, store);
    await held.write('!ward7:trust-a.example', 'm.room.message', { msgtype: 'm.text', body: 'first' });
    clock.set(clock.now() + 1_000);
    await held.write('!ward7:trust-a.example', 'm.room.message', { msgtype: 'm.text', body: 'second' });
    const discarded = await held.write('!ward7:trust-a.example', 'm.room.message', {
      msgtype: 'm.text',
      body: 'never mind',
    });
    await held.discard(discarded.txnId);
    await held.close();
    await expect(held.write('!ward7:trust-a.example', 'm.room.message', {})).rejects.toThrow();

    const sent: unknown[] = [];
    const cipher = await createArchiveCipher(await archiveKey(platform), platform.randomBytes);
    const queue = createDeliveryQueue({
      outbox: openOutbox({ storage: platform.archive, cipher, logger: platform.logger }),
      send: (message) => {
        sent.push(message.content.body);
        return Promise.resolve(`$event-${sent.length}`);
      },
      classify: () => ({ retry: false, problem: 'unexpected-answer' }),
      clock: platform.clock,
      newTxnId: () => 'unused',
      changed: () => undefined,
      removed: () => undefined,
      keepForMs: () => undefined,
      logger: platform.logger,
    });
    await queue.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    queue.stop();
    expect(sent).toEqual(['first', 'second']);
  });
});
