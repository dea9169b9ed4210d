// Needs the real local stack: trust-a (chroot Synapse behind the policy gateway, PostgreSQL). Client cores at one
// trust exchange an encrypted message; the receiving desktop keeps it in its archive, sealed on disk, across a
// restart, until its send time is older than the trust's clientDays (a clock the test moves); it reports each sweep
// to the gateway; and when its session ends at the server (signed out, or the desktop revoked by trust IT), it
// erases what it kept.
import { readdir, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { stackCommand } from '../../../deploy/test/integration/stackCli.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import { cryptoDatabasePrefix } from '../../core/crypto/sessionCrypto.ts';
import { DeviceNotEnrolledError } from '../../core/errors/clientErrors.ts';
import { dayMs } from '../../core/expiry/expirySweep.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { selectExpiry } from '../../core/stores/selectors/expirySelectors.ts';
import { selectSession } from '../../core/stores/selectors/sessionSelectors.ts';
import { selectMessages } from '../../core/stores/selectors/timelineSelectors.ts';
import type { TimelineItem } from '../../core/stores/timelineSlice.ts';
import {
  archiveOnDisk,
  eventually,
  fileCount,
  filesContaining,
  keptSecrets,
  sharedRoom,
  signedInDesktop,
  startCore,
  type DesktopFiles,
  type PlatformOverrides,
} from './bleepDesktop.testkit.ts';

let trustA: RunningTrust;

beforeAll(() => {
  trustA = trustNamed(inject('stack'), 'trust-a');
});

/** A message as a clinician would write it about a patient (the NHS number is a valid one, from the NHS's test range). */
function clinicalNote(detail: string): string {
  return `Edith Crawley, DOB 03/07/1941, NHS 943 476 5919: ${detail}`;
}
const patientDetails = ['Edith Crawley', '03/07/1941', '943 476 5919', '9434765919'];

function decryptedMessage(core: BleepSession, roomId: string, body: string): TimelineItem | undefined {
  return selectMessages(roomId)(core.store.getState()).find(
    (item) => item.body === body && (item.decryption === 'decrypted' || item.sendStatus === 'sent'),
  );
}

/** The device's access token, as the desktop keeps it (to check what it sends, and to sign it out at the server). */
async function accessTokenOf(files: DesktopFiles): Promise<string> {
  const session = (await keptSecrets(files)).session;
  if (session === undefined) throw new Error('no session kept');
  return (JSON.parse(new TextDecoder().decode(session)) as { accessToken: string }).accessToken;
}

/** Whether the desktop's rust crypto store still exists (fake-indexeddb, the IndexedDB of these tests). */
async function cryptoStoreExists(userId: string, deviceId: string): Promise<boolean> {
  const factory = (globalThis as unknown as { indexedDB: { databases(): Promise<{ name?: string }[]> } })
    .indexedDB;
  const prefix = cryptoDatabasePrefix(userId, deviceId);
  return (await factory.databases()).some((database) => database.name?.startsWith(prefix) === true);
}

/** Waits for an asynchronous check to hold (eventually() takes synchronous ones). */
async function eventuallyTrue(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function isGone(path: string): Promise<boolean> {
  return stat(path).then(
    () => false,
    (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT',
  );
}

/** A new room of the clinician's own, once it shows encrypted, with one note written there (and archived). */
async function writeNote(core: BleepSession, files: DesktopFiles, roomName: string, detail: string) {
  const roomId = await core.rooms.openRoom({ name: roomName, invite: [] });
  // Sent before sync has brought the room's encryption state, matrix-js-sdk would send it in the clear (the gateway
  // refuses that): wait until the room shows, encrypted.
  await eventually('the new room to show, encrypted', () =>
    core.store.getState().rooms.byId[roomId]?.encrypted === true ? true : undefined,
  );
  const body = clinicalNote(detail);
  await core.rooms.sendText(roomId, body);
  await eventually('the note to be archived', () => decryptedMessage(core, roomId, body));
  expect((await (await archiveOnDisk(files)).roomMessages(roomId)).map((m) => m.body)).toEqual([body]);
  return { roomId, body };
}

/** A clinician alone in a new room, who wrote one note there (their own sent message is archived too). */
async function desktopWithOneNote(role: string, detail: string, overrides: PlatformOverrides = {}) {
  const desktop = await signedInDesktop(trustA, role, overrides);
  return { ...desktop, ...(await writeNote(desktop.core, desktop.files, 'Handover notes', detail)) };
}

/** Trust IT's information-governance officer places a legal hold on a room (the retention service's CLI). */
async function placeRoomHold(roomId: string): Promise<number> {
  const output = await stackCommand([
    'retention',
    'trust-a',
    'hold',
    'place',
    '--room',
    roomId,
    '--reason',
    'Integration test: subject access request',
    '--reference',
    'SAR-CLIENT-ARCHIVE',
    '--by',
    'ig.integration',
    '--json',
  ]);
  return (JSON.parse(output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1)) as { id: number }).id;
}

async function releaseHold(id: number): Promise<void> {
  await stackCommand([
    'retention',
    'trust-a',
    'hold',
    'release',
    String(id),
    '--reason',
    'Integration test over',
    '--by',
    'ig.integration',
  ]);
}

describe("a desktop's message archive", () => {
  let consultant: Awaited<ReturnType<typeof signedInDesktop>>;
  let registrar: Awaited<ReturnType<typeof signedInDesktop>>;
  let roomId: string;
  const referral = clinicalNote('sepsis screen positive, lactate 4.1, please review bed 4');
  let sentAt: number;
  // The registrar's desktop after its restart: a clock the test moves, and a fetch that records the expiry reports.
  let clockOffsetMs = 0;
  const reports: { authorization: string | null; body: unknown; status: number }[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname === '/_bleep/expiry-report') {
      reports.push({
        authorization: new Headers(init?.headers).get('authorization'),
        body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
        status: response.status,
      });
    }
    return response;
  };

  beforeAll(async () => {
    consultant = await signedInDesktop(trustA, 'archive-consultant');
    registrar = await signedInDesktop(trustA, 'archive-registrar');
    roomId = await sharedRoom(consultant.core, registrar.core, registrar.account.userId, 'Sepsis review');
  });

  afterAll(() => {
    consultant.core.stop();
    registrar.core.stop();
  });

  it('keeps a received encrypted message, sealed: no file holds its text, the patient, the room or the sender', async () => {
    await consultant.core.rooms.sendText(roomId, referral);
    const received = await eventually('the referral to arrive decrypted', () =>
      decryptedMessage(registrar.core, roomId, referral),
    );
    sentAt = received.sentAt;
    // Write first, show after: once the store shows it, the archive has it.
    const archived = await (await archiveOnDisk(registrar.files)).roomMessages(roomId);
    expect(archived).toEqual([
      {
        eventId: received.id,
        roomId,
        sender: consultant.account.userId,
        sentAt,
        msgtype: 'm.text',
        body: referral,
        encrypted: true,
      },
    ]);
    // The sender's desktop archives its own message too, once the server has it.
    await eventuallyTrue("the consultant's copy to be archived", async () =>
      (await (await archiveOnDisk(consultant.files)).roomMessages(roomId)).some((m) => m.body === referral),
    );
    for (const desktop of [registrar, consultant]) {
      expect(await fileCount(desktop.files)).toBeGreaterThan(1);
      for (const needle of [referral, ...patientDetails, roomId, received.id, consultant.account.userId]) {
        expect(await filesContaining(desktop.files, needle), needle).toEqual([]);
      }
    }
  });

  it('survives a restart: the new core reads it from its files and shows it', async () => {
    registrar.core.stop();
    const restarted = await startCore(registrar.files, {
      clock: { now: () => Date.now() + clockOffsetMs },
      fetch: recordingFetch,
    });
    registrar = { ...registrar, core: restarted };
    expect(await restarted.restore()).toBe('restored');
    expect(decryptedMessage(restarted, roomId, referral)).toMatchObject({ sentAt, encrypted: true });
    expect((await (await archiveOnDisk(registrar.files)).roomMessages(roomId)).map((m) => m.body)).toEqual([
      referral,
    ]);
    // The sweep at start recorded itself.
    expect(selectExpiry(restarted.store.getState())).toMatchObject({
      oldestKeptAt: sentAt,
      sweepFailed: false,
    });
  });

  it('reports its sweep to the gateway with its own token, the body exactly { oldest_ts, swept_at }', async () => {
    const report = await eventually('the expiry report to be sent', () => reports[0]);
    expect(report.authorization).toBe(`Bearer ${await accessTokenOf(registrar.files)}`);
    expect(report.body).toStrictEqual({
      oldest_ts: sentAt,
      swept_at: selectExpiry(registrar.core.store.getState()).lastSweptAt,
    });
  });

  it('the gateway takes the expiry report', async () => {
    const state = await eventually('the report to be taken', () => {
      const report = selectExpiry(registrar.core.store.getState()).report;
      return report.status === 'sent' ? report : undefined;
    });
    expect(reports[0]?.status).toBeGreaterThanOrEqual(200);
    expect(reports[0]?.status).toBeLessThan(300);
    expect(state.oldestTs).toBe(sentAt);
  });

  it('keeps the message 89 days after it was sent, and deletes it from files and store at 91 days', async () => {
    clockOffsetMs = 89 * dayMs;
    await registrar.core.sweepNow();
    expect(selectExpiry(registrar.core.store.getState()).oldestKeptAt).toBe(sentAt);
    expect(await (await archiveOnDisk(registrar.files)).roomMessages(roomId)).toHaveLength(1);

    clockOffsetMs = 91 * dayMs;
    await registrar.core.sweepNow();
    const expiry = selectExpiry(registrar.core.store.getState());
    expect(expiry).toMatchObject({ oldestKeptAt: null, oldestOutsideHoldAt: null, keptMessages: 0 });
    expect(expiry.lastSweptAt).toBeGreaterThanOrEqual(Date.now() + 91 * dayMs - 60_000);
    // No legal hold can be had from this gateway yet (or none is placed): the normal limit applied.
    expect(expiry.legalHolds.roomIds).toEqual([]);
    expect(await (await archiveOnDisk(registrar.files)).roomMessages(roomId)).toEqual([]);
    expect(await readdir(registrar.files.archiveDirectory)).toEqual(['sweep']);
    expect(decryptedMessage(registrar.core, roomId, referral)).toBeUndefined();
    // And the report after this sweep says the archive is empty.
    const emptied = await eventually('the report of the empty archive', () =>
      reports.find((report) => (report.body as { oldest_ts: unknown }).oldest_ts === null),
    );
    expect(emptied.body).toStrictEqual({ oldest_ts: null, swept_at: expiry.lastSweptAt });
  });
});

describe('legal hold', () => {
  it('keeps a held room past clientDays while the gateway lists the hold, and sweeps it once released', async () => {
    let clockOffsetMs = 0;
    const nurse = await desktopWithOneNote('held-nurse', 'safeguarding concern raised', {
      clock: { now: () => Date.now() + clockOffsetMs },
    });
    const free = await writeNote(nurse.core, nurse.files, 'Ward round', 'no concerns');
    const holdId = await placeRoomHold(nurse.roomId);
    let released = false;
    try {
      clockOffsetMs = 91 * dayMs;
      await nurse.core.sweepNow();
      const archive = await archiveOnDisk(nurse.files);
      const [held] = await archive.roomMessages(nurse.roomId);
      expect(held?.body).toBe(nurse.body);
      expect(await archive.roomMessages(free.roomId)).toEqual([]);
      expect(selectExpiry(nurse.core.store.getState())).toMatchObject({
        legalHolds: { status: 'in-force', roomIds: [nurse.roomId] },
        oldestKeptAt: held?.sentAt,
        // What the report states: the held note is kept on the trust's instruction, not past the limit.
        oldestOutsideHoldAt: null,
      });
      expect(decryptedMessage(nurse.core, nurse.roomId, nurse.body)).toBeDefined();
      expect(decryptedMessage(nurse.core, free.roomId, free.body)).toBeUndefined();

      await releaseHold(holdId);
      released = true;
      await nurse.core.sweepNow();
      expect(selectExpiry(nurse.core.store.getState())).toMatchObject({
        legalHolds: { status: 'in-force', roomIds: [] },
        oldestKeptAt: null,
      });
      expect(await (await archiveOnDisk(nurse.files)).roomMessages(nurse.roomId)).toEqual([]);
    } finally {
      // A hold left in force would keep this room from every later retention run.
      if (!released) await releaseHold(holdId);
      nurse.core.stop();
    }
  });
});

describe('the end of a session erases what the desktop kept', () => {
  it('the server signs the device out: archive, crypto store and keys are erased, and the desktop stays enrolled', async () => {
    const nurse = await desktopWithOneNote('wipe-nurse', 'observations every 15 minutes');
    const token = await accessTokenOf(nurse.files);
    const loggedOut = await fetch(`${trustA.clientUrl}/_matrix/client/v3/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(loggedOut.status).toBe(200);

    const session = await eventually('the core to notice and wipe', () => {
      const state = selectSession(nurse.core.store.getState());
      return state.status === 'ended' && state.wipe !== null ? state : undefined;
    });
    expect(session.problem?.code).toBe('session-ended');
    expect(session.wipe).toMatchObject({ reason: 'signed-out-by-server', failed: [] });
    expect(session.wipe?.erased).toEqual(
      expect.arrayContaining(['archive-key', 'crypto-storage-key', 'session', 'archive', 'crypto-store']),
    );
    expect(nurse.core.store.getState().timeline.byRoom).toEqual({});
    expect(await isGone(nurse.files.archiveDirectory)).toBe(true);
    expect(Object.keys(await keptSecrets(nurse.files))).toEqual(['desktop-enrolment']);
    expect(await cryptoStoreExists(nurse.account.userId, nurse.deviceId)).toBe(false);
    for (const needle of [nurse.body, ...patientDetails]) {
      expect(await filesContaining(nurse.files, needle), needle).toEqual([]);
    }
    // Its enrolment was kept: the clinician signs in again on the same desktop.
    await nurse.core.signIn({
      kind: 'password',
      username: nurse.account.username,
      password: nurse.account.password,
    });
    expect(selectSession(nurse.core.store.getState()).status).toBe('ready');
    nurse.core.stop();
  });

  it('trust IT revokes the running desktop: it erases everything, its device credential included', async () => {
    const nurse = await desktopWithOneNote('revoked-nurse', 'fluid balance chart started');
    expect(await cryptoStoreExists(nurse.account.userId, nurse.deviceId)).toBe(true);
    await stackCommand(['policy', 'trust-a', 'revoke-device', '--device-id', nurse.deviceId]);

    const session = await eventually('the core to notice and wipe', () => {
      const state = selectSession(nurse.core.store.getState());
      return state.status === 'ended' && state.wipe !== null ? state : undefined;
    });
    expect(session.problem?.code).toBe('device-not-enrolled');
    expect(session.wipe).toMatchObject({ reason: 'device-revoked', failed: [] });
    expect(session.enrolledDeviceId).toBeNull();
    expect(await isGone(nurse.files.archiveDirectory)).toBe(true);
    expect(await keptSecrets(nurse.files)).toEqual({});
    expect(await cryptoStoreExists(nurse.account.userId, nurse.deviceId)).toBe(false);
    // What is left on disk is the secret store's own check entry: one file, holding nothing of the clinician.
    expect(await fileCount(nurse.files)).toBe(1);
    for (const needle of [nurse.body, ...patientDetails, nurse.deviceId, nurse.account.userId]) {
      expect(await filesContaining(nurse.files, needle), needle).toEqual([]);
    }
  });

  it('a desktop revoked while the app was off erases everything at its next start', async () => {
    const nurse = await desktopWithOneNote('offline-nurse', 'falls risk assessment due');
    nurse.core.stop();
    await stackCommand(['policy', 'trust-a', 'revoke-device', '--device-id', nurse.deviceId]);

    const restarted = await startCore(nurse.files);
    await expect(restarted.restore()).rejects.toBeInstanceOf(DeviceNotEnrolledError);
    expect(selectSession(restarted.store.getState()).wipe).toMatchObject({
      reason: 'device-revoked',
      failed: [],
    });
    expect(await isGone(nurse.files.archiveDirectory)).toBe(true);
    expect(await keptSecrets(nurse.files)).toEqual({});
    expect(await cryptoStoreExists(nurse.account.userId, nurse.deviceId)).toBe(false);
  });

  it('the clinician signs out: the archive and keys are erased, and the desktop stays enrolled', async () => {
    const nurse = await desktopWithOneNote('leaving-nurse', 'handed over to night staff');
    await nurse.core.signOut();
    expect(selectSession(nurse.core.store.getState())).toMatchObject({
      status: 'signed-out',
      problem: null,
      wipe: { reason: 'signed-out', failed: [] },
    });
    expect(await isGone(nurse.files.archiveDirectory)).toBe(true);
    expect(Object.keys(await keptSecrets(nurse.files))).toEqual(['desktop-enrolment']);
    expect(await cryptoStoreExists(nurse.account.userId, nurse.deviceId)).toBe(false);
    expect(await filesContaining(nurse.files, nurse.body)).toEqual([]);
  });
});
