import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ArchivedMessage } from '../archive/archivedMessage.ts';
import { timelineItemForRecord } from '../archive/messageRecordView.ts';
import { createArchiveCipher } from '../archive/archiveCipher.ts';
import { createMemoryArchiveStorage } from '../archive/memoryArchiveStorage.testkit.ts';
import { openMessageArchive } from '../archive/messageArchive.ts';
import {
  answeringFetch,
  jsonResponse,
  manualClock,
  recordingLogger,
  type RecordedRequest,
} from '../platform.testkit.ts';
import { createBleepStore } from '../stores/bleepStore.ts';
import { selectTimeline } from '../stores/selectors/timelineSelectors.ts';
import { createExpirySchedule } from './expirySchedule.ts';
import { dayMs } from './expirySweep.ts';

const serverUrl = 'https://bleep.trust-a.example';
const roomId = '!ward:trust-a.example';
const start = Date.UTC(2026, 10, 28, 12);

function policy(clientDays: number) {
  return {
    version: 1,
    trust: { name: 'Trust A', odsCode: 'RAA', serverName: 'trust-a.example' },
    partners: [],
    partnerTrusts: [],
    retention: { clientDays, serverHours: 72 },
    idleLockMinutes: 5,
    encryptionRequired: true,
    plaintextEventTypes: [],
    maxUploadBytes: 10_485_760,
    notificationContent: 'none',
    keyBackupAllowed: false,
  };
}

function message(eventId: string, sentAt: number): ArchivedMessage {
  return {
    eventId,
    roomId,
    sender: '@a:trust-a.example',
    sentAt,
    msgtype: 'm.text',
    body: 'x',
    encrypted: true,
  };
}

/** The gateway as it is today: a policy, no legal-hold route, and an expiry-report route that takes reports. */
function gateway(clientDays: () => number) {
  return answeringFetch((request: RecordedRequest) => {
    switch (request.url.pathname) {
      case '/_bleep/policy':
        return jsonResponse(200, policy(clientDays()));
      case '/_bleep/expiry-report':
        return jsonResponse(200, {});
      default:
        return jsonResponse(404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
    }
  });
}

async function scheduleOver(options: {
  clientDays: () => number;
  storage?: ReturnType<typeof createMemoryArchiveStorage>;
}) {
  const randomBytes = (length: number) => crypto.getRandomValues(new Uint8Array(length));
  const logger = recordingLogger();
  const storage = options.storage ?? createMemoryArchiveStorage();
  const archive = await openMessageArchive({
    storage,
    cipher: await createArchiveCipher(randomBytes(32), randomBytes),
    logger,
  });
  const clock = manualClock(start);
  const { fetch, requests } = gateway(options.clientDays);
  const store = createBleepStore();
  const schedule = createExpirySchedule({
    platform: { fetch, clock, logger },
    archive,
    store,
    session: { serverUrl, accessToken: 'syt_token' },
    sweepIntervalMs: 3_600_000,
  });
  return { schedule, archive, store, clock, requests, logger };
}

const reports = (requests: readonly RecordedRequest[]) =>
  requests
    .filter((request) => request.url.pathname === '/_bleep/expiry-report')
    .map((request) => request.body);

afterEach(() => {
  vi.useRealTimers();
});

describe('the expiry schedule', () => {
  it('sweeps, shows the result in the store, removes the expired items from the timeline, and reports', async () => {
    const { schedule, archive, store, requests } = await scheduleOver({ clientDays: () => 90 });
    const expired = message('$old', start - 91 * dayMs);
    const kept = message('$new', start - 89 * dayMs);
    const records = await archive.keep([expired, kept]);
    store.getState().applySyncBatch({
      rooms: [],
      removedRooms: [],
      timeline: records.flatMap((record) => {
        const item = timelineItemForRecord(record, '@me:trust-a.example');
        return item ? [{ change: 'upsert' as const, item }] : [];
      }),
    });

    await schedule.sweepNow();

    expect(store.getState().expiry).toMatchObject({
      lastSweptAt: start,
      lastCutoff: start - 90 * dayMs,
      oldestKeptAt: kept.sentAt,
      oldestOutsideHoldAt: kept.sentAt,
      keptMessages: 1,
      legalHolds: { status: 'unavailable', roomIds: [] },
      sweepFailed: false,
    });
    expect(selectTimeline(roomId)(store.getState()).map((item) => item.id)).toEqual(['$new']);
    await vi.waitFor(() => {
      expect(store.getState().expiry.report.status).toBe('sent');
    });
    expect(reports(requests)).toStrictEqual([{ oldest_ts: kept.sentAt, swept_at: start }]);
    schedule.stop();
  });

  it('sweeps again on its timer, reading clientDays afresh each time', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let clientDays = 90;
    const { schedule, archive, store, clock } = await scheduleOver({ clientDays: () => clientDays });
    await archive.keep([message('$45days', start - 45 * dayMs)]);
    schedule.start();
    clock.set(start + 3_600_000);
    await vi.advanceTimersByTimeAsync(3_600_000);
    await vi.waitFor(() => {
      expect(store.getState().expiry.lastSweptAt).toBe(start + 3_600_000);
    });
    expect(store.getState().expiry.keptMessages).toBe(1);

    clientDays = 30;
    clock.set(start + 2 * 3_600_000);
    await vi.advanceTimersByTimeAsync(3_600_000);
    await vi.waitFor(() => {
      expect(store.getState().expiry.lastSweptAt).toBe(start + 2 * 3_600_000);
    });
    expect(store.getState().expiry.keptMessages).toBe(0);
    expect(store.getState().session.policy?.retention.clientDays).toBe(30);
    schedule.stop();
  });

  it('a sweep that fails is shown, not thrown, and the next one works', async () => {
    const storage = createMemoryArchiveStorage();
    const { schedule, archive, store } = await scheduleOver({ clientDays: () => 90, storage });
    await archive.keep([message('$1', start)]);
    vi.spyOn(storage, 'write').mockRejectedValueOnce(new Error('disk full'));
    expect(await schedule.sweepNow()).toBeUndefined();
    expect(store.getState().expiry.sweepFailed).toBe(true);
    expect(await schedule.sweepNow()).toMatchObject({ kept: 1 });
    expect(store.getState().expiry.sweepFailed).toBe(false);
    schedule.stop();
  });

  it('once stopped, neither sweeps nor touches the store', async () => {
    const { schedule, store, requests } = await scheduleOver({ clientDays: () => 90 });
    schedule.stop();
    expect(await schedule.sweepNow()).toBeUndefined();
    expect(store.getState().expiry.lastSweptAt).toBeNull();
    expect(requests).toEqual([]);
  });
});
