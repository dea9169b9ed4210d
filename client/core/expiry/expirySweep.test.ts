import { describe, expect, it } from 'vitest';
import type { ArchivedMessage } from '../archive/archivedMessage.ts';
import { createArchiveCipher } from '../archive/archiveCipher.ts';
import { createMemoryArchiveStorage } from '../archive/memoryArchiveStorage.testkit.ts';
import { openMessageArchive } from '../archive/messageArchive.ts';
import { manualClock, recordingLogger } from '../platform.testkit.ts';
import { dayMs, expiryCutoff, runExpirySweep } from './expirySweep.ts';
import type { LegalHoldAnswer } from './legalHolds.ts';

const start = Date.UTC(2026, 10, 28, 12);
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

async function newArchive() {
  const randomBytes = (length: number) => crypto.getRandomValues(new Uint8Array(length));
  const cipher = await createArchiveCipher(randomBytes(32), randomBytes);
  return openMessageArchive({ storage: createMemoryArchiveStorage(), cipher, logger: recordingLogger() });
}

const holding = (answer: LegalHoldAnswer) => (): Promise<LegalHoldAnswer> => Promise.resolve(answer);

describe('the expiry sweep', () => {
  it('counts clientDays from the send time', () => {
    expect(expiryCutoff(start, 90)).toBe(start - 90 * dayMs);
  });

  it('deletes a 91-day-old message and keeps an 89-day-old one, by the injected clock', async () => {
    const archive = await newArchive();
    await archive.keep([message('$sent', start)]);
    const clock = manualClock(start + 89 * dayMs);
    const asAt89 = await runExpirySweep({
      archive,
      clock,
      clientDays: 90,
      legalHolds: holding({ status: 'in-force', roomIds: [] }),
    });
    expect(asAt89).toMatchObject({ removed: 0, kept: 1, oldestKeptAt: start, oldestOutsideHoldAt: start });
    clock.set(start + 91 * dayMs);
    const asAt91 = await runExpirySweep({
      archive,
      clock,
      clientDays: 90,
      legalHolds: holding({ status: 'in-force', roomIds: [] }),
    });
    expect(asAt91).toMatchObject({ removed: 1, kept: 0, oldestKeptAt: null, sweptAt: start + 91 * dayMs });
    expect(await archive.allMessages()).toEqual([]);
  });

  it('keeps a held room past clientDays, while the gateway lists the hold', async () => {
    const archive = await newArchive();
    await archive.keep([message('$held', start, held), message('$other', start)]);
    const result = await runExpirySweep({
      archive,
      clock: manualClock(start + 100 * dayMs),
      clientDays: 90,
      legalHolds: holding({ status: 'in-force', roomIds: [held] }),
    });
    expect(result).toMatchObject({
      removed: 1,
      kept: 1,
      keptRoomIds: [held],
      oldestKeptAt: start,
      oldestOutsideHoldAt: null,
      legalHolds: { status: 'in-force', roomIds: [held], checkedAt: start + 100 * dayMs },
    });
  });

  it('keeps no more than the limit when the holds cannot be had: the held room is swept too', async () => {
    const archive = await newArchive();
    await archive.keep([message('$held', start, held)]);
    const result = await runExpirySweep({
      archive,
      clock: manualClock(start + 100 * dayMs),
      clientDays: 90,
      legalHolds: holding({ status: 'unavailable', problem: 'unexpected-answer' }),
    });
    expect(result).toMatchObject({ removed: 1, keptRoomIds: [], legalHolds: { status: 'unavailable' } });
  });

  it('records when it swept and the oldest message kept, in the archive', async () => {
    const archive = await newArchive();
    await archive.keep([message('$1', start - 10 * dayMs), message('$2', start - dayMs)]);
    await runExpirySweep({
      archive,
      clock: manualClock(start),
      clientDays: 90,
      legalHolds: holding({ status: 'in-force', roomIds: [] }),
    });
    expect(await archive.readSweepRecord()).toEqual({
      sweptAt: start,
      clientDays: 90,
      oldestKeptAt: start - 10 * dayMs,
      oldestOutsideHoldAt: start - 10 * dayMs,
    });
  });
});
