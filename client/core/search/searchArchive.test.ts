import { describe, expect, it } from 'vitest';
import { openDesktopArchive } from '../archive/openDesktopArchive.ts';
import { createTestPlatform } from '../platform.testkit.ts';
import { searchKeptArchive, searchOpenArchive } from './searchArchive.ts';

const ward = '!ward:trust-a.example';
const theatre = '!theatre:trust-a.example';

function message(eventId: string, body: string, sentAt: number, roomId = ward) {
  return { eventId, roomId, sender: '@a:trust-a.example', sentAt, msgtype: 'm.text', body, encrypted: true };
}

describe('a search of the archive', () => {
  it('reads the archive kept on disk when nobody is signed in, edits applied, and closes it again', async () => {
    const { platform, clock } = createTestPlatform();
    const archive = await openDesktopArchive(platform);
    await archive.keep(
      [
        message('$1', 'review bed 4', clock.now()),
        message('$2', 'bed 4 in theatre', clock.now() + 1, theatre),
      ],
      [
        {
          kind: 'edit',
          id: '$e',
          roomId: ward,
          sender: '@a:trust-a.example',
          sentAt: clock.now() + 2,
          targetId: '$1',
          msgtype: 'm.text',
          body: 'review bed 5',
        },
      ],
    );
    await archive.close();
    // The test platform's fetch finds no server: a search needs none.
    expect((await searchKeptArchive(platform, { text: 'bed' })).map((hit) => hit.body)).toEqual([
      'bed 4 in theatre',
      'review bed 5',
    ]);
    expect(
      (await searchKeptArchive(platform, { text: 'bed', roomId: ward })).map((hit) => hit.eventId),
    ).toEqual(['$1']);
    // Closed after each search: the archive opens again for the next session.
    const reopened = await openDesktopArchive(platform);
    expect((await searchOpenArchive(reopened, { text: 'BED 5' })).map((hit) => hit.eventId)).toEqual(['$1']);
  });

  it('finds nothing on a desktop with no archive, and makes no archive key to look', async () => {
    const { platform, secrets } = createTestPlatform();
    expect(await searchKeptArchive(platform, { text: 'bed' })).toEqual([]);
    expect(await secrets.read('archive-key')).toBeUndefined();
  });
});
