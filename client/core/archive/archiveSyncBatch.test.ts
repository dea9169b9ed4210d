import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../platform.testkit.ts';
import type { SyncBatch } from '../stores/bleepStore.ts';
import { createBleepStore } from '../stores/bleepStore.ts';
import { selectTimeline } from '../stores/selectors/timelineSelectors.ts';
import type { MessageRelation, TimelineItem } from '../stores/timelineSlice.ts';
import { keepSyncBatch } from './archiveSyncBatch.ts';
import { createArchiveCipher } from './archiveCipher.ts';
import { createMemoryArchiveStorage } from './memoryArchiveStorage.testkit.ts';
import { openMessageArchive } from './messageArchive.ts';
import { decryptedMessage } from '../stores/timelineItem.testkit.ts';

const roomId = '!ward:trust-a.example';
const me = '@amelia:trust-a.example';
const bob = '@bob:trust-b.example';
const at = 1_700_000_000_000;
const randomBytes = (length: number) => crypto.getRandomValues(new Uint8Array(length));

function item(id: string, body: string, change: Partial<TimelineItem> = {}): TimelineItem {
  return decryptedMessage({ id, roomId, sender: bob, sentAt: at, body, ...change });
}

const batch = (...timeline: SyncBatch['timeline']): SyncBatch => ({ rooms: [], removedRooms: [], timeline });
const relation = (value: MessageRelation) => ({ change: 'relation' as const, relation: value });

async function archive() {
  const cipher = await createArchiveCipher(randomBytes(32), randomBytes);
  return openMessageArchive({ storage: createMemoryArchiveStorage(), cipher, logger: recordingLogger() });
}

describe('a sync batch written to the archive, then shown', () => {
  it('shows an edit, a reaction and a redaction as the message they change, once the archive has them', async () => {
    const kept = await archive();
    const store = createBleepStore();
    const show = async (value: SyncBatch) => {
      store.getState().applySyncBatch(await keepSyncBatch(kept, value, me));
    };
    await show(batch({ change: 'upsert', item: item('$1', 'bed 4') }));
    await show(
      batch(
        relation({
          kind: 'edit',
          id: '$e',
          roomId,
          sender: bob,
          sentAt: at + 5,
          targetId: '$1',
          msgtype: 'm.text',
          body: 'bed 5',
        }),
        relation({
          kind: 'reaction',
          id: '$r',
          roomId,
          sender: me,
          sentAt: at + 6,
          targetId: '$1',
          key: '👍',
        }),
      ),
    );
    expect(selectTimeline(roomId)(store.getState())).toEqual([
      item('$1', 'bed 5', { editedAt: at + 5, reactions: [{ key: '👍', senders: [me] }] }),
    ]);
    expect((await kept.allMessages()).map((message) => message.body)).toEqual(['bed 5']);

    await show(
      batch(
        relation({
          kind: 'redaction',
          id: '$x',
          roomId,
          sender: bob,
          sentAt: at + 7,
          targetId: '$1',
          senderMayRedactOthers: false,
        }),
      ),
    );
    expect(selectTimeline(roomId)(store.getState())).toEqual([
      item('$1', 'bed 5', { kind: 'deleted', body: null, msgtype: null }),
    ]);
    expect(await kept.allMessages()).toEqual([]);
  });

  it('shows a message again as the archive holds it: its edit is not undone by a later copy of the original', async () => {
    const kept = await archive();
    await keepSyncBatch(kept, batch({ change: 'upsert', item: item('$1', 'bed 4') }), me);
    await keepSyncBatch(
      kept,
      batch(
        relation({
          kind: 'edit',
          id: '$e',
          roomId,
          sender: bob,
          sentAt: at + 5,
          targetId: '$1',
          msgtype: 'm.text',
          body: 'bed 5',
        }),
      ),
      me,
    );
    const shown = await keepSyncBatch(kept, batch({ change: 'upsert', item: item('$1', 'bed 4') }), me);
    expect(shown.timeline).toEqual([{ change: 'upsert', item: item('$1', 'bed 5', { editedAt: at + 5 }) }]);
  });

  it('shows the archived copy of a message the SDK brings again still locked (a restart, its keys not yet loaded)', async () => {
    const kept = await archive();
    await keepSyncBatch(kept, batch({ change: 'upsert', item: item('$1', 'bed 4') }), me);
    const locked = (decryption: TimelineItem['decryption']) =>
      item('$1', '', { kind: 'encrypted', decryption, body: null, msgtype: null });
    for (const decryption of ['pending', 'failed'] as const) {
      const shown = await keepSyncBatch(kept, batch({ change: 'upsert', item: locked(decryption) }), me);
      expect(shown.timeline).toEqual([{ change: 'upsert', item: item('$1', 'bed 4') }]);
    }
    // One never decrypted here has no copy: it shows as it is.
    const unknown = item('$2', '', { kind: 'encrypted', decryption: 'pending', body: null, msgtype: null });
    const shown = await keepSyncBatch(kept, batch({ change: 'upsert', item: unknown }), me);
    expect(shown.timeline).toEqual([{ change: 'upsert', item: unknown }]);
  });

  it('passes on what the archive does not keep, and shows no relation whose message has not arrived', async () => {
    const kept = await archive();
    const membership = item('$m', '', {
      kind: 'membership',
      body: null,
      msgtype: null,
      membership: 'join',
      target: bob,
    });
    const pending = item('$p', '', { kind: 'encrypted', decryption: 'pending', body: null, msgtype: null });
    const shown = await keepSyncBatch(
      kept,
      batch(
        { change: 'upsert', item: membership },
        { change: 'upsert', item: pending },
        relation({ kind: 'reaction', id: '$r', roomId, sender: me, sentAt: at, targetId: '$p', key: '👍' }),
      ),
      me,
    );
    expect(shown.timeline).toEqual([
      { change: 'upsert', item: membership },
      { change: 'upsert', item: pending },
    ]);
    // When it decrypts, the message comes with the reaction that waited for it.
    const decrypted = await keepSyncBatch(kept, batch({ change: 'upsert', item: item('$p', 'bed 9') }), me);
    expect(decrypted.timeline).toEqual([
      { change: 'upsert', item: item('$p', 'bed 9', { reactions: [{ key: '👍', senders: [me] }] }) },
    ]);
  });
});
