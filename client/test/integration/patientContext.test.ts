// Needs the real local stack: trust-a (chroot Synapse behind the policy gateway, PostgreSQL). A consultant and a
// registrar exchange messages tagged with a patient's NHS number (a fresh valid one each run). The number travels
// only inside Megolm ciphertext: no row of any table of Synapse's database holds it (nor the text), while the events
// themselves are there, encrypted. The registrar's desktop, with no server at all, finds both messages by the NHS
// number in its archive, exports them (JSON and printable HTML, the hostile text escaped), files them and deletes
// them: they are then gone from the archive files on disk, and the local audit holds the three steps and no number.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { freshNhsNumber, holdsNhsNumber } from '../../../deploy/test/integration/nhsNumberSpellings.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import { everySynapseRow } from '../../../deploy/test/integration/synapseHoldings.ts';
import { InvalidNhsNumberError, ServerDownError } from '../../core/errors/clientErrors.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { selectUnfiledPatientMessagesNearExpiry } from '../../core/stores/selectors/patientSelectors.ts';
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
import { queryDatabase } from './synapseDatabase.testkit.ts';

const dayMs = 86_400_000;
let trustA: RunningTrust;

beforeAll(() => {
  trustA = trustNamed(inject('stack'), 'trust-a');
});

function itemOf(core: BleepSession, roomId: string, eventId: string): TimelineItem | undefined {
  return selectTimeline(roomId)(core.store.getState()).find((item) => item.id === eventId);
}

/** Sends through session.patient (the delivery queue) and waits for the server's event id. */
async function sendTagged(
  core: BleepSession,
  roomId: string,
  body: string,
  nhsNumber: string,
): Promise<string> {
  const { txnId } = await core.patient.send(roomId, body, nhsNumber);
  return eventually(
    'the tagged message to be sent',
    () => core.store.getState().delivery.messages[txnId]?.eventId ?? undefined,
  );
}

describe('patient context: an NHS number inside the encrypted content, found, exported and filed offline', () => {
  let consultant: Awaited<ReturnType<typeof signedInDesktop>>;
  let registrar: Awaited<ReturnType<typeof signedInDesktop>>;
  let roomId: string;
  const nhsNumber = freshNhsNumber();
  const spaced = `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`;
  const tag = crypto.randomUUID().slice(0, 8);
  const question = `Potassium ${tag} 6.1 <script>alert("x")</script>: repeat?`;
  const answer = `Repeat ${tag} at 14:00, ECG now`;
  let questionId: string;
  let answerId: string;

  beforeAll(async () => {
    consultant = await signedInDesktop(trustA, 'patient-consultant');
    registrar = await signedInDesktop(trustA, 'patient-registrar');
    roomId = await sharedRoom(consultant.core, registrar.core, registrar.account.userId, 'Renal review');
  });

  afterAll(() => {
    consultant.core.stop();
    registrar.core.stop();
  });

  it('refuses an NHS number that fails Modulus 11 before anything is queued', async () => {
    const wrong = `${nhsNumber.slice(0, 9)}${(Number(nhsNumber[9]) + 1) % 10}`;
    await expect(consultant.core.patient.send(roomId, 'x', wrong)).rejects.toBeInstanceOf(
      InvalidNhsNumberError,
    );
    expect(Object.keys(consultant.core.store.getState().delivery.messages)).toEqual([]);
  });

  it('exchanges tagged messages that each desktop reads with the patient tag', async () => {
    questionId = await sendTagged(consultant.core, roomId, question, spaced);
    const received = await eventually('the question to arrive decrypted and tagged', () => {
      const item = itemOf(registrar.core, roomId, questionId);
      return item?.body === question && item.patient ? item : undefined;
    });
    expect(received.patient).toEqual({ nhsNumber, filedAt: null });
    answerId = await sendTagged(registrar.core, roomId, answer, nhsNumber);
    await eventually('the answer to arrive at the consultant, tagged', () =>
      itemOf(consultant.core, roomId, answerId)?.patient?.nhsNumber === nhsNumber ? true : undefined,
    );
    // The consultant's own tagged message is flagged as it nears clientDays unfiled (90 days at trust-a).
    const sentAt = (
      await eventually('the question in the consultant timeline', () =>
        itemOf(consultant.core, roomId, questionId),
      )
    ).sentAt;
    const flagged = (now: number) =>
      selectUnfiledPatientMessagesNearExpiry(consultant.core.store.getState(), now).map(
        (entry) => entry.item.id,
      );
    expect(flagged(sentAt + 75 * dayMs)).toEqual([]);
    expect(flagged(sentAt + 77 * dayMs)).toEqual([questionId]);
  });

  it("leaves the NHS number and the text nowhere in Synapse's database, which holds the events as ciphertext", async () => {
    const events = await queryDatabase<{ event_id: string; type: string }>(
      trustA.databaseUrl,
      'SELECT event_id, type FROM events WHERE event_id = ANY($1::text[]) ORDER BY event_id',
      [[questionId, answerId]],
    );
    expect(events).toEqual(
      [questionId, answerId].sort().map((eventId) => ({ event_id: eventId, type: 'm.room.encrypted' })),
    );
    const json = await queryDatabase<{ json: string }>(
      trustA.databaseUrl,
      'SELECT json FROM event_json WHERE event_id = ANY($1::text[])',
      [[questionId, answerId]],
    );
    expect(json).toHaveLength(2);
    for (const row of json)
      expect(JSON.parse(row.json)).toMatchObject({ content: { algorithm: 'm.megolm.v1.aes-sha2' } });
    // Every row of every table (events, event_json, state, room names, push, receipts...).
    const rows = await everySynapseRow(trustA);
    expect(rows.some((row) => row.text.includes(questionId))).toBe(true);
    expect(rows.filter((row) => holdsNhsNumber(row.text, nhsNumber)).map((row) => row.table)).toEqual([]);
    expect(rows.filter((row) => row.text.includes(tag)).map((row) => row.table)).toEqual([]);
  });

  it("finds both messages in the registrar's archive by the NHS number with no server, exports, files and deletes them", async () => {
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

    const found = await offline.patient.messagesAbout(spaced);
    expect(found.map((message) => [message.eventId, message.sender, message.text])).toEqual([
      [answerId, registrar.account.userId, answer],
      [questionId, consultant.account.userId, question],
    ]);

    const exported = await offline.patient.exportForFiling(nhsNumber);
    expect(exported.eventIds).toEqual([answerId, questionId]);
    const document = JSON.parse(exported.json) as {
      nhsNumber: string;
      exportedBy: string;
      messages: { eventId: string; text: string }[];
    };
    expect(document.nhsNumber).toBe(nhsNumber);
    // Offline (nobody signed in), the export still names the clinician whose archive this is.
    expect(document.exportedBy).toBe(registrar.account.userId);
    expect(document.messages.map((message) => [message.eventId, message.text])).toEqual([
      [questionId, question],
      [answerId, answer],
    ]);
    expect(exported.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(exported.html).not.toMatch(/<script/i);
    expect(exported.html).toContain(consultant.account.userId);

    // Before filing, the archive files hold both (opened with the key), and no file holds either in the clear.
    expect(await openedArchiveFiles(registrar.files)).toContain(answer);
    for (const needle of [nhsNumber, question, answer])
      expect(await filesContaining(registrar.files, needle)).toEqual([]);

    const outcome = await offline.patient.file(nhsNumber, exported.eventIds, { deleteLocally: true });
    expect([...outcome.deletedEventIds].sort()).toEqual([questionId, answerId].sort());
    expect(await offline.patient.messagesAbout(nhsNumber)).toEqual([]);
    const onDisk = await archiveOnDisk(registrar.files);
    try {
      const ids = (await onDisk.allRecords()).map((record) => record.eventId);
      expect(ids).not.toContain(questionId);
      expect(ids).not.toContain(answerId);
    } finally {
      await onDisk.close();
    }
    const opened = await openedArchiveFiles(registrar.files);
    for (const needle of [question, answer, tag, nhsNumber])
      expect(opened.includes(needle), needle).toBe(false);

    const audit = await offline.patient.audit(nhsNumber);
    expect(new Set(audit.map((entry) => entry.by))).toEqual(new Set([registrar.account.userId]));
    expect(audit.map((entry) => [entry.action, entry.messageCount])).toEqual([
      ['exported', 2],
      ['filed', 2],
      ['deleted-locally', 2],
    ]);
  });
});
