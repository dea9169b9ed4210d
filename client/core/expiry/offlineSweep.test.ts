import { describe, expect, it } from 'vitest';
import { openDesktopArchive } from '../archive/openDesktopArchive.ts';
import type { ArchivedMessage } from '../archive/archivedMessage.ts';
import { createTestPlatform } from '../platform.testkit.ts';
import { createBleepStore } from '../stores/bleepStore.ts';
import { dayMs, runExpirySweep } from './expirySweep.ts';
import { sweepWhileOffline } from './offlineSweep.ts';

const held = '!inquiry:trust-a.example';

function message(eventId: string, sentAt: number, roomId = '!ward:trust-a.example'): ArchivedMessage {
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

describe('the sweep at a start that cannot reach the gateway', () => {
  it("applies the last sweep's clientDays, holds nothing, and shows the result", async () => {
    const { platform, clock } = createTestPlatform();
    const start = clock.now();
    const archive = await openDesktopArchive(platform);
    await archive.keep([message('$held', start, held), message('$recent', start + 80 * dayMs)]);
    // Swept online once, with a 30-day limit and the hold in force.
    await runExpirySweep({
      archive,
      clock,
      clientDays: 30,
      legalHolds: () => Promise.resolve({ status: 'in-force', roomIds: [held] }),
    });
    await archive.close();

    clock.set(start + 91 * dayMs);
    const store = createBleepStore();
    const result = await sweepWhileOffline(platform, store);
    expect(result).toMatchObject({ clientDays: 30, removed: 1, kept: 1, keptRoomIds: [] });
    expect(store.getState().expiry).toMatchObject({
      lastSweptAt: start + 91 * dayMs,
      legalHolds: { status: 'unavailable', roomIds: [] },
      oldestKeptAt: start + 80 * dayMs,
    });
  });

  it('does nothing on a desktop with no archive, and makes no key', async () => {
    const { platform, secrets } = createTestPlatform();
    expect(await sweepWhileOffline(platform, createBleepStore())).toBeUndefined();
    expect(secrets.entries.has('archive-key')).toBe(false);
  });

  it('does nothing with an archive never swept: there is no limit to go on', async () => {
    const { platform, archive: storage } = createTestPlatform();
    const archive = await openDesktopArchive(platform);
    await archive.keep([message('$1', 0)]);
    await archive.close();
    expect(await sweepWhileOffline(platform, createBleepStore())).toBeUndefined();
    expect([...storage.records.keys()]).toHaveLength(1);
  });
});
