import { describe, expect, it } from 'vitest';
import { openDesktopArchive } from '../archive/openDesktopArchive.ts';
import type { DeliveryQueue } from '../delivery/deliveryQueue.ts';
import { writtenMessage } from '../delivery/outgoingMessage.ts';
import { InvalidNhsNumberError } from '../errors/clientErrors.ts';
import { createTestPlatform } from '../platform.testkit.ts';
import { createBleepStore } from '../stores/bleepStore.ts';
import { selectTimeline } from '../stores/selectors/timelineSelectors.ts';
import { timelineItemForRecord } from '../archive/messageRecordView.ts';
import { amelia, edith, noon, taggedMessage, ward } from './patientArchive.testkit.ts';
import { createPatientContext } from './patientContext.ts';

function recordingDelivery() {
  const written: Readonly<{ roomId: string; eventType: string; content: Record<string, unknown> }>[] = [];
  const queue: Pick<DeliveryQueue, 'write'> = {
    write: (roomId, eventType, content) => {
      written.push({ roomId, eventType, content });
      return Promise.resolve(writtenMessage({ txnId: 't1', roomId, eventType, content }, noon));
    },
  };
  return { written, queue: queue as DeliveryQueue };
}

async function setUp() {
  const { platform } = createTestPlatform();
  const archive = await openDesktopArchive(platform);
  const store = createBleepStore();
  store.getState().sessionStarted({ userId: amelia, deviceId: 'DESK1' });
  const delivery = recordingDelivery();
  const patient = createPatientContext({
    platform,
    store,
    delivery: () => delivery.queue,
    clinician: () => Promise.resolve(amelia),
    withArchive: (work) => work(archive),
  });
  return { platform, archive, store, delivery, patient };
}

describe('the session’s patient context', () => {
  it('queues a tagged m.room.message through the delivery queue', async () => {
    const { patient, delivery } = await setUp();
    await patient.send(ward, 'Bloods back', '943 476 5919');
    expect(delivery.written).toEqual([
      {
        roomId: ward,
        eventType: 'm.room.message',
        content: { msgtype: 'm.text', body: 'Bloods back', 'uk.nhs.bleep.patient': { nhs_number: edith } },
      },
    ]);
  });

  it('queues nothing for an NHS number that fails the check', async () => {
    const { patient, delivery } = await setUp();
    await expect(patient.send(ward, 'Bloods back', '943 476 5918')).rejects.toBeInstanceOf(
      InvalidNhsNumberError,
    );
    expect(delivery.written).toEqual([]);
  });

  it('shows a filed message as filed, and a deleted one leaves the timeline', async () => {
    const { patient, archive, store, platform } = await setUp();
    const kept = await archive.keep([
      taggedMessage('$a', noon - 2000, edith),
      taggedMessage('$b', noon - 1000, edith),
    ]);
    store.getState().applySyncBatch({
      rooms: [],
      removedRooms: [],
      timeline: kept.flatMap((record) => {
        const item = timelineItemForRecord(record, amelia);
        return item ? [{ change: 'upsert' as const, item }] : [];
      }),
    });
    store.getState().searchFinished(
      store.getState().searchBegan({ text: 'patient' }),
      kept.map((record) => ({
        eventId: record.eventId,
        roomId: record.roomId,
        sender: amelia,
        sentAt: record.sentAt,
        msgtype: 'm.text',
        body: record.content?.body ?? '',
        editedAt: null,
      })),
    );
    const exported = await patient.exportForFiling(edith);
    expect(exported.eventIds).toEqual(['$b', '$a']);
    await patient.file(edith, ['$a'], { deleteLocally: false });
    await patient.file(edith, ['$b'], { deleteLocally: true });
    const items = selectTimeline(ward)(store.getState());
    expect(items.map((item) => [item.id, item.patient?.filedAt])).toEqual([['$a', platform.clock.now()]]);
    // A search result for the deleted message goes with it.
    expect(store.getState().search.hits.map((hit) => hit.eventId)).toEqual(['$a']);
    expect((await patient.audit(edith)).map((entry) => entry.action)).toEqual([
      'exported',
      'filed',
      'filed',
      'deleted-locally',
    ]);
  });
});
