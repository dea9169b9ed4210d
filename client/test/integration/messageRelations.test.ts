// Needs the real local stack: trust-a (chroot Synapse behind the policy gateway, PostgreSQL). A consultant edits,
// reacts to and deletes (redacts) messages a registrar's desktop received encrypted. The registrar's archive applies
// each of them: the edit replaces the text, the reaction is kept with the message, and the deleted message's text is
// erased from every archive file (opened with the desktop's key, and as raw bytes on disk). All of it survives a
// restart of the core, and a core that cannot reach any server finds the edited text by searching its archive.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import { ServerDownError } from '../../core/errors/clientErrors.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { selectSearch } from '../../core/stores/selectors/searchSelectors.ts';
import { selectTimeline } from '../../core/stores/selectors/timelineSelectors.ts';
import type { TimelineItem } from '../../core/stores/timelineSlice.ts';
import {
  archiveOnDisk,
  eventually,
  filesContaining,
  openedArchiveFiles,
  sharedRoom,
  signedInDesktop,
  startCore,
} from './bleepDesktop.testkit.ts';

let trustA: RunningTrust;

beforeAll(() => {
  trustA = trustNamed(inject('stack'), 'trust-a');
});

function itemOf(core: BleepSession, roomId: string, eventId: string): TimelineItem | undefined {
  return selectTimeline(roomId)(core.store.getState()).find((item) => item.id === eventId);
}

describe('edits, reactions and redactions in the archive', () => {
  let consultant: Awaited<ReturnType<typeof signedInDesktop>>;
  let registrar: Awaited<ReturnType<typeof signedInDesktop>>;
  let roomId: string;
  // Words no other test writes, so a search finds only these messages.
  const tag = crypto.randomUUID().slice(0, 8);
  const original = `Edith Crawley, NHS 943 476 5919: potassium ${tag} 6.1, repeat bloods`;
  const corrected = `Edith Crawley, NHS 943 476 5919: potassium ${tag} 5.1 (haemolysed), no action`;
  const wrongPatient = `Arthur Pettigrew, NHS 943 476 5870: transfer ${tag} to ward 9 tonight`;
  let editedId: string;
  let deletedId: string;

  beforeAll(async () => {
    consultant = await signedInDesktop(trustA, 'edit-consultant');
    registrar = await signedInDesktop(trustA, 'edit-registrar');
    roomId = await sharedRoom(consultant.core, registrar.core, registrar.account.userId, 'Renal review');
    editedId = await consultant.core.rooms.sendText(roomId, original);
    deletedId = await consultant.core.rooms.sendText(roomId, wrongPatient);
    await eventually('both messages to arrive decrypted', () =>
      itemOf(registrar.core, roomId, editedId)?.body === original &&
      itemOf(registrar.core, roomId, deletedId)?.body === wrongPatient
        ? true
        : undefined,
    );
  });

  afterAll(() => {
    consultant.core.stop();
    registrar.core.stop();
  });

  it("applies the consultant's edit, reaction and redaction to the registrar's timeline and archive", async () => {
    await consultant.core.rooms.editText(roomId, editedId, corrected);
    await consultant.core.rooms.react(roomId, editedId, '👍');
    await consultant.core.rooms.redact(roomId, deletedId);
    // An edit by someone other than the sender does not count.
    await registrar.core.rooms.editText(roomId, editedId, `forged ${tag}`);

    const edited = await eventually('the edit and the reaction to show', () => {
      const item = itemOf(registrar.core, roomId, editedId);
      return item?.body === corrected && item.reactions.length === 1 ? item : undefined;
    });
    expect(edited).toMatchObject({
      kind: 'message',
      sender: consultant.account.userId,
      reactions: [{ key: '👍', senders: [consultant.account.userId] }],
    });
    expect(edited.editedAt).toBeGreaterThan(edited.sentAt);
    const deleted = await eventually('the message to show deleted', () => {
      const item = itemOf(registrar.core, roomId, deletedId);
      return item?.kind === 'deleted' ? item : undefined;
    });
    expect(deleted.body).toBeNull();
    // The registrar's own forged edit reached its desktop too, and was not applied.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(itemOf(registrar.core, roomId, editedId)?.body).toBe(corrected);

    // Written before shown: the archive on disk, opened as a restarted core would, already has all of it.
    const records = await (await archiveOnDisk(registrar.files)).roomRecords(roomId);
    expect(records.find((record) => record.eventId === editedId)).toMatchObject({
      content: { body: original },
      edits: [
        expect.objectContaining({
          sender: consultant.account.userId,
          content: { msgtype: 'm.text', body: corrected },
        }),
      ],
      reactions: [expect.objectContaining({ sender: consultant.account.userId, key: '👍' })],
    });
    expect(records.find((record) => record.eventId === deletedId)).toMatchObject({
      content: null,
      edits: [],
      reactions: [],
    });
  });

  it('leaves no trace of the deleted text in any archive file, opened with the key or raw', async () => {
    const opened = await openedArchiveFiles(registrar.files);
    expect(opened).toContain(corrected);
    for (const needle of [wrongPatient, 'Arthur Pettigrew', '943 476 5870', `transfer ${tag}`]) {
      expect(opened.includes(needle), needle).toBe(false);
      expect(await filesContaining(registrar.files, needle), needle).toEqual([]);
    }
    for (const needle of [corrected, original, 'Edith Crawley', roomId, editedId, deletedId]) {
      expect(await filesContaining(registrar.files, needle), needle).toEqual([]);
    }
  });

  it('finds the edited text by searching, newest first, and not the text it replaced', async () => {
    const hits = await registrar.core.searchArchive({ text: `POTASSIUM ${tag} haemolysed` });
    expect(hits.map((hit) => [hit.eventId, hit.body])).toEqual([[editedId, corrected]]);
    expect(await registrar.core.searchArchive({ text: `${tag} 6.1` })).toEqual([]);
    expect(await registrar.core.searchArchive({ text: `transfer ${tag}` })).toEqual([]);
    expect((await registrar.core.searchArchive({ text: tag, roomId })).map((hit) => hit.eventId)).toEqual([
      editedId,
    ]);
    expect(selectSearch(registrar.core.store.getState())).toMatchObject({
      status: 'done',
      hits: [{ eventId: editedId }],
    });
  });

  it('survives a restart: the new core shows the edit, the reaction and the deletion', async () => {
    registrar.core.stop();
    const restarted = await startCore(registrar.files);
    registrar = { ...registrar, core: restarted };
    expect(await restarted.restore()).toBe('restored');
    expect(itemOf(restarted, roomId, editedId)).toMatchObject({
      body: corrected,
      reactions: [{ key: '👍', senders: [consultant.account.userId] }],
    });
    expect(itemOf(restarted, roomId, deletedId)).toMatchObject({ kind: 'deleted', body: null });
    expect(await filesContaining(registrar.files, wrongPatient)).toEqual([]);
    expect(await openedArchiveFiles(registrar.files)).not.toContain(wrongPatient);
  });

  it('finds the edited text with no server at all: a core that cannot reach the gateway searches its archive', async () => {
    registrar.core.stop();
    const offline = await startCore(registrar.files, {
      fetch: () =>
        Promise.reject(
          new TypeError('fetch failed', {
            cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
          }),
        ),
    });
    registrar = { ...registrar, core: offline };
    await expect(offline.restore()).rejects.toBeInstanceOf(ServerDownError);
    const hits = await offline.searchArchive({ text: `haemolysed ${tag}` });
    expect(hits).toEqual([
      expect.objectContaining({
        eventId: editedId,
        roomId,
        sender: consultant.account.userId,
        body: corrected,
      }),
    ]);
    expect(await offline.searchArchive({ text: `transfer ${tag}` })).toEqual([]);
    expect(selectSearch(offline.store.getState()).hits.map((hit) => hit.body)).toEqual([]);
  });
});
