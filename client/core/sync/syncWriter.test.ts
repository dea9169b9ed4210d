import {
  ClientEvent,
  ConnectionError,
  createClient,
  MatrixEvent,
  Room,
  RoomEvent,
  SyncState,
  type MatrixClient,
} from 'matrix-js-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CoreLogger } from '../platform.ts';
import { createBleepStore, type BleepStore, type SyncBatch } from '../stores/bleepStore.ts';
import { selectRoom } from '../stores/selectors/roomSelectors.ts';
import { selectTimeline } from '../stores/selectors/timelineSelectors.ts';
import { startSyncWriter, type SyncWriter } from './syncWriter.ts';

// The SDK's client and room objects, never started: the test plays the part of its sync by emitting its events.
const me = '@amelia:trust-a.example';
const roomId = '!ward12:trust-a.example';
let client: MatrixClient;
let room: Room;
let store: BleepStore;
let writer: SyncWriter | undefined;

function text(eventId: string, body: string): MatrixEvent {
  return new MatrixEvent({
    event_id: eventId,
    room_id: roomId,
    sender: '@bob:trust-b.example',
    type: 'm.room.message',
    origin_server_ts: 1_700_000_000_000,
    content: { msgtype: 'm.text', body },
  });
}

/** One event arriving in a sync response, and the end of that response. */
function syncResponse(...events: MatrixEvent[]): void {
  for (const event of events)
    client.emit(RoomEvent.Timeline, event, room, false, false, { timeline: room.getLiveTimeline() });
  client.emit(ClientEvent.Sync, SyncState.Syncing, SyncState.Syncing);
}

const silent: CoreLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
};

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  client = createClient({ baseUrl: 'http://127.0.0.1:1', userId: me });
  room = new Room(roomId, client, me);
  client.store.storeRoom(room);
  store = createBleepStore();
});

afterEach(() => {
  writer?.dispose();
});

function start(beforeEmit?: (batch: SyncBatch) => Promise<SyncBatch>): SyncWriter {
  writer = startSyncWriter({
    client,
    store,
    serverUrl: 'http://127.0.0.1:1',
    ownUserId: me,
    logger: silent,
    ...(beforeEmit ? { beforeEmit } : {}),
  });
  return writer;
}

describe('the sync writer', () => {
  it('shows nothing of a sync response until the response is complete, then all of it at once', async () => {
    start();
    let updates = 0;
    store.subscribe(() => updates++);
    client.emit(RoomEvent.Timeline, text('$1', 'first'), room, false, false, {
      timeline: room.getLiveTimeline(),
    });
    client.emit(RoomEvent.Timeline, text('$2', 'second'), room, false, false, {
      timeline: room.getLiveTimeline(),
    });
    await tick();
    expect(selectTimeline(roomId)(store.getState())).toEqual([]);
    client.emit(ClientEvent.Sync, SyncState.Syncing, SyncState.Syncing);
    await tick();
    expect(selectTimeline(roomId)(store.getState()).map((item) => item.body)).toEqual(['first', 'second']);
    expect(selectRoom(roomId)(store.getState())?.roomId).toBe(roomId);
    // One update for the events, one for the sync status.
    expect(updates).toBe(2);
  });

  it('writes a batch to storage before the store shows it, and shows nothing storage did not take', async () => {
    const stored: string[] = [];
    let release: () => void = () => undefined;
    start(async (batch) => {
      await new Promise<void>((resolve) => (release = resolve));
      if (batch.timeline.some((change) => change.change === 'upsert' && change.item.body === 'refused')) {
        throw new Error('disk full');
      }
      stored.push(
        ...batch.timeline.flatMap((change) => (change.change === 'upsert' ? [change.item.id] : [])),
      );
      return batch;
    });
    syncResponse(text('$1', 'kept'));
    await tick();
    expect(selectTimeline(roomId)(store.getState())).toEqual([]);
    release();
    await writer?.flushed();
    expect(stored).toEqual(['$1']);
    expect(selectTimeline(roomId)(store.getState()).map((item) => item.id)).toEqual(['$1']);

    syncResponse(text('$2', 'refused'));
    await tick();
    release();
    await writer?.flushed();
    expect(selectTimeline(roomId)(store.getState()).map((item) => item.id)).toEqual(['$1']);
  });

  it('hands edits, reactions and redactions to storage as relations, never as items of their own', async () => {
    const seen: SyncBatch[] = [];
    start((batch) => {
      seen.push(batch);
      return Promise.resolve(batch);
    });
    const edit = new MatrixEvent({
      event_id: '$edit',
      room_id: roomId,
      sender: '@bob:trust-b.example',
      type: 'm.room.message',
      origin_server_ts: 1_700_000_000_001,
      content: {
        body: '* bed 5',
        'm.new_content': { msgtype: 'm.text', body: 'bed 5' },
        'm.relates_to': { rel_type: 'm.replace', event_id: '$1' },
      },
    });
    const redaction = new MatrixEvent({
      event_id: '$redaction',
      room_id: roomId,
      sender: '@bob:trust-b.example',
      type: 'm.room.redaction',
      origin_server_ts: 1_700_000_000_002,
      redacts: '$edit',
      content: {},
    });
    syncResponse(text('$1', 'bed 4'), edit, redaction);
    await writer?.flushed();
    expect(seen.flatMap((batch) => batch.timeline).map((change) => change.change)).toEqual([
      'upsert',
      'relation',
      'relation',
    ]);
    expect(seen.flatMap((batch) => batch.timeline)).toContainEqual({
      change: 'relation',
      relation: expect.objectContaining({ kind: 'redaction', targetId: '$edit' }) as unknown,
    });
    expect(selectTimeline(roomId)(store.getState()).map((item) => item.id)).toEqual(['$1']);
  });

  it('keeps the sync status and the reason it fails', async () => {
    start();
    client.emit(ClientEvent.Sync, SyncState.Error, SyncState.Syncing, {
      // As the SDK reports a sync the network refused.
      error: new ConnectionError(
        'fetch failed',
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
        }),
      ),
    });
    await tick();
    expect(store.getState().session.sync).toBe('error');
    expect(store.getState().session.problem?.code).toBe('server-down');
  });

  it('stops writing once disposed', async () => {
    start().dispose();
    syncResponse(text('$1', 'late'));
    await tick();
    expect(selectTimeline(roomId)(store.getState())).toEqual([]);
  });
});
