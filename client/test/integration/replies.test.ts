// Needs the real local stack: trust-a (chroot Synapse behind the policy gateway, PostgreSQL). A registrar replies to
// a consultant's message. The consultant's desktop shows the reply as one (replyTo is the original's event id) and the
// replied-to message beside it, through an edit of the reply and a restart of the core. Synapse holds the reply as
// m.room.encrypted with neither m.relates_to nor Bleep's reply key in its clear content: which message it answers
// travelled inside the Megolm ciphertext only,
// while the edit's m.replace relation (which the server needs) is in the clear, so the query can see one.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { selectRepliedMessage } from '../../core/stores/selectors/replySelectors.ts';
import { selectTimeline } from '../../core/stores/selectors/timelineSelectors.ts';
import type { TimelineItem } from '../../core/stores/timelineSlice.ts';
import { archiveOnDisk, eventually, sharedRoom, signedInDesktop, startCore } from './bleepDesktop.testkit.ts';
import { queryDatabase } from './synapseDatabase.testkit.ts';

let trustA: RunningTrust;

beforeAll(() => {
  trustA = trustNamed(inject('stack'), 'trust-a');
});

function itemOf(core: BleepSession, roomId: string, eventId: string): TimelineItem | undefined {
  return selectTimeline(roomId)(core.store.getState()).find((item) => item.id === eventId);
}

describe('replies', () => {
  let consultant: Awaited<ReturnType<typeof signedInDesktop>>;
  let registrar: Awaited<ReturnType<typeof signedInDesktop>>;
  let roomId: string;
  const tag = crypto.randomUUID().slice(0, 8);
  const question = `Edith Crawley, NHS 943 476 5919: potassium ${tag} 6.1, can you repeat?`;
  const answer = `Repeating at 14:00 ${tag}`;
  const corrected = `Repeating at 15:00 ${tag}`;
  let questionId: string;
  let replyId: string;
  let editId: string;

  beforeAll(async () => {
    consultant = await signedInDesktop(trustA, 'reply-consultant');
    registrar = await signedInDesktop(trustA, 'reply-registrar');
    roomId = await sharedRoom(consultant.core, registrar.core, registrar.account.userId, 'Renal replies');
    questionId = await consultant.core.rooms.sendText(roomId, question);
    await eventually('the question to arrive decrypted', () =>
      itemOf(registrar.core, roomId, questionId)?.body === question ? true : undefined,
    );
  });

  afterAll(() => {
    consultant.core.stop();
    registrar.core.stop();
  });

  it("shows the registrar's reply on the consultant's desktop as a reply to the question, after an edit too", async () => {
    replyId = await registrar.core.rooms.sendText(roomId, answer, { replyTo: questionId });
    const received = await eventually('the reply to arrive decrypted', () => {
      const item = itemOf(consultant.core, roomId, replyId);
      return item?.decryption === 'decrypted' ? item : undefined;
    });
    expect(received).toMatchObject({ kind: 'message', body: answer, replyTo: questionId });
    // No quote of the question rides in the reply.
    expect(received.body).not.toContain('Crawley');
    expect(selectRepliedMessage(roomId, questionId)(consultant.core.store.getState())).toEqual({
      id: questionId,
      sender: consultant.account.userId,
      body: question,
      kind: 'message',
    });
    // The sender's own desktop shows it as a reply too.
    await eventually("the reply on the registrar's own desktop", () =>
      itemOf(registrar.core, roomId, replyId)?.replyTo === questionId ? true : undefined,
    );

    editId = await registrar.core.rooms.editText(roomId, replyId, corrected);
    const edited = await eventually('the edit to show', () => {
      const item = itemOf(consultant.core, roomId, replyId);
      return item?.body === corrected ? item : undefined;
    });
    expect(edited.replyTo).toBe(questionId);
  });

  it('leaves the reply relation out of the clear event Synapse stores', async () => {
    const rows = await queryDatabase<{
      event_id: string;
      type: string;
      clear_relation: unknown;
      clear_reply: unknown;
    }>(
      trustA.databaseUrl,
      `SELECT e.event_id, e.type, (j.json::jsonb -> 'content' -> 'm.relates_to') AS clear_relation,
              (j.json::jsonb -> 'content' -> 'uk.nhs.bleep.reply_to') AS clear_reply
         FROM events e JOIN event_json j USING (event_id) WHERE e.event_id = ANY($1::text[])`,
      [[replyId, editId]],
    );
    const byId = new Map(rows.map((row) => [row.event_id, row]));
    expect(byId.get(replyId)).toEqual({
      event_id: replyId,
      type: 'm.room.encrypted',
      clear_relation: null,
      clear_reply: null,
    });
    // Control: the edit's relation is in the clear (the server aggregates edits), and the query reads it.
    expect(byId.get(editId)).toEqual({
      event_id: editId,
      type: 'm.room.encrypted',
      clear_relation: { rel_type: 'm.replace', event_id: replyId },
      clear_reply: null,
    });
  });

  it("keeps the reply in the consultant's archive: a restarted core shows it from there", async () => {
    // Written before shown: the archive on disk, opened as a restarted core would, holds the reply as a reply.
    const records = await (await archiveOnDisk(consultant.files)).roomRecords(roomId);
    expect(records.find((record) => record.eventId === replyId)).toMatchObject({
      content: { body: answer },
      replyTo: questionId,
      edits: [expect.objectContaining({ content: { msgtype: 'm.text', body: corrected } })],
    });
    consultant.core.stop();
    const restarted = await startCore(consultant.files);
    consultant = { ...consultant, core: restarted };
    expect(await restarted.restore()).toBe('restored');
    expect(itemOf(restarted, roomId, replyId)).toMatchObject({ body: corrected, replyTo: questionId });
    expect(selectRepliedMessage(roomId, questionId)(restarted.store.getState())?.body).toBe(question);
  });
});
