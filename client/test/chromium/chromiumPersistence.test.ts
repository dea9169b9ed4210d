// Needs the real local stack (trust-a: chroot Synapse behind the policy gateway, PostgreSQL) and Debian's Chromium
// (installed from apt if missing). The client core runs in Chromium's page as it will in the desktop's renderer, on
// the browser platform (client/browser/: IndexedDB, WebCrypto), against the real gateway; a colleague is a Node core.
// The browser is closed and launched again over the same profile directory: a real restart. Then every file of the
// profile is read for the messages and the patient's details.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { issueEnrolmentCode } from '../../../deploy/test/integration/enrolledDesktop.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { selectRoom } from '../../core/stores/selectors/roomSelectors.ts';
import {
  createStaffAccount,
  eventually,
  newDeviceId,
  signedInDesktop,
  type StaffAccount,
} from '../integration/bleepDesktop.testkit.ts';
import { eventuallyInPage, launchChromiumDesktop, type ChromiumDesktop } from './chromiumDesktop.testkit.ts';
import { ensureDebianChromium } from './debianChromium.ts';
import { buildDesktopPage } from './desktopPageBuild.ts';
import { startDesktopPageServer, type DesktopPageServer } from './desktopPageServer.ts';
import type { PageMessage } from './page/desktopPage.ts';
import { profileFileCount, profileFilesContaining } from './profileScan.ts';

// A patient as a clinician would write about one (9434765919 is a valid NHS number: its check digit holds).
const patient = { name: 'Margaret Ellison-Thwaite', born: '14/03/1947', nhsNumber: '943 476 5919' };
const run = Math.random().toString(36).slice(2, 8);
const firstNote = `Bed 4 ${run}: ${patient.name}, DOB ${patient.born}, NHS ${patient.nhsNumber}, lactate 4.1, please review`;
const whileClosed = `Bed 4 ${run}: blood cultures taken, IV co-amoxiclav started for ${patient.name}`;
const afterRestart = `Bed 4 ${run}: ${patient.name} reviewed by the outreach team, NEWS2 now 3`;
const sensitive = [
  firstNote,
  whileClosed,
  afterRestart,
  patient.name,
  patient.born,
  patient.nhsNumber,
  patient.nhsNumber.replaceAll(' ', ''),
];

let trustA: RunningTrust;
let server: DesktopPageServer;
let profileDirectory: string;
let desktop: ChromiumDesktop | undefined;
let nurse: StaffAccount;
let deviceId: string;
let colleague: { core: BleepSession; account: StaffAccount };
let roomId: string;
const timings: Record<string, number> = {};
/** The page's console errors of closed browsers (the core logs errors only, never content). */
const pageErrors: string[] = [];

async function pageMessages(): Promise<PageMessage[]> {
  return openDesktop().page.evaluate((room) => window.bleepDesktop.messages(room), roomId);
}

async function decryptedInPage(body: string): Promise<PageMessage | undefined> {
  return (await pageMessages()).find(
    (message) => message.body === body && message.decryption === 'decrypted',
  );
}

function openDesktop(): ChromiumDesktop {
  if (!desktop) throw new Error('Chromium is not running');
  return desktop;
}

/** This device's keys as Synapse keeps them, and the clinician's visible devices. */
async function deviceKeysAtServer(): Promise<{ keys: unknown; devices: string[] }> {
  const client = new pg.Client({ connectionString: trustA.databaseUrl });
  await client.connect();
  try {
    const keys = await client.query<{ key_json: string }>(
      'SELECT key_json FROM e2e_device_keys_json WHERE user_id = $1 AND device_id = $2',
      [nurse.userId, deviceId],
    );
    const devices = await client.query<{ device_id: string }>(
      'SELECT device_id FROM devices WHERE user_id = $1 AND NOT hidden ORDER BY device_id',
      [nurse.userId],
    );
    return {
      keys: keys.rows.map((row) => JSON.parse(row.key_json) as unknown),
      devices: devices.rows.map((row) => row.device_id),
    };
  } finally {
    await client.end();
  }
}

async function launch(): Promise<ChromiumDesktop> {
  desktop = await launchChromiumDesktop(profileDirectory, server.url);
  return desktop;
}

async function closeBrowser(): Promise<void> {
  pageErrors.push(...(desktop?.pageErrors ?? []));
  await desktop?.close();
  desktop = undefined;
}

beforeAll(async () => {
  trustA = trustNamed(inject('stack'), 'trust-a');
  await ensureDebianChromium();
  server = await startDesktopPageServer(await buildDesktopPage());
  profileDirectory = join(await mkdtemp(join(tmpdir(), 'bleep-chromium-')), 'profile');
  nurse = await createStaffAccount(trustA, 'chromium-nurse');
  deviceId = newDeviceId('chromium');
  colleague = await signedInDesktop(trustA, 'chromium-registrar');
});

// For a failing test's reader: what the page said (404s from routes the gateway refuses are expected).
afterEach((context) => {
  if (context.task.result?.state !== 'fail') return;
  for (const line of [...pageErrors, ...(desktop?.pageErrors ?? [])]) {
    process.stderr.write(`chromium page: ${line}\n`);
  }
});

afterAll(async () => {
  colleague.core.stop();
  await closeBrowser();
  await server.close();
  if (Object.keys(timings).length > 0) {
    process.stderr.write(`chromium timings (ms): ${JSON.stringify(timings)}\n`);
  }
});

describe("the client core in Debian's Chromium, across a browser restart", () => {
  it("reaches the gateway from the page's own origin: Synapse's answers and the gateway's own carry CORS", async () => {
    const { page } = await launch();
    // What the page sees of a cross-origin request: an answer, or the browser blocking it (CORS).
    const reach = (url: string, postJson = false) =>
      page.evaluate(
        async ([target, post]) => {
          const init: RequestInit = post
            ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }
            : {};
          try {
            return `answered ${(await fetch(target, init)).status}`;
          } catch (error) {
            return `blocked (${error instanceof Error ? error.name : 'error'})`;
          }
        },
        [url, postJson] as const,
      );
    // Synapse's answers, passed through by the gateway, are open to any origin, and so are the gateway's own: a
    // refused enrolment (its preflight allows the credential header) and the policy.
    expect(await reach(`${trustA.clientUrl}/_matrix/client/versions`)).toBe('answered 200');
    expect(await reach(`${trustA.clientUrl}/_bleep/enrol`, true)).toMatch(/^answered 4\d\d$/);
    expect(await reach(`${trustA.clientUrl}/_bleep/policy`)).toBe('answered 200');
  });

  it("enrols, signs in, joins a colleague's room and decrypts their message, in the page", async () => {
    const { page } = openDesktop();
    timings.firstLaunch = Math.round(openDesktop().launchMs);
    const code = await issueEnrolmentCode(trustA, deviceId);
    // The trust's gateway itself, another origin than the page's: every request of the core is cross-origin.
    await page.evaluate(([url, device, enrolment]) => window.bleepDesktop.enrol(url, device, enrolment), [
      trustA.clientUrl,
      deviceId,
      code,
    ] as const);
    const signInAt = performance.now();
    await page.evaluate(([username, password]) => window.bleepDesktop.signIn(username, password), [
      nurse.username,
      nurse.password,
    ] as const);
    timings.signIn = Math.round(performance.now() - signInAt);
    const signed = await eventuallyInPage("the page's device to be signed by the trust", async () => {
      const session = await page.evaluate(() => window.bleepDesktop.session());
      return session.crossSigning === 'signed' ? session : undefined;
    });
    expect(signed).toMatchObject({ status: 'ready', userId: nurse.userId, deviceId });

    roomId = await colleague.core.rooms.openRoom({ name: 'Ward 12 handover', invite: [nurse.userId] });
    await eventuallyInPage('the invitation to reach the page', async () =>
      (await page.evaluate(() => window.bleepDesktop.invitations())).includes(roomId) ? true : undefined,
    );
    await page.evaluate((room) => window.bleepDesktop.join(room), roomId);
    await page.evaluate((room) => {
      window.bleepDesktop.show(room);
    }, roomId);
    await eventually('the colleague to see the nurse join', () =>
      selectRoom(roomId)(colleague.core.store.getState())?.joinedMembers === 2 ? true : undefined,
    );

    await colleague.core.rooms.sendText(roomId, firstNote);
    const received = await eventuallyInPage('the note to arrive decrypted in the page', () =>
      decryptedInPage(firstNote),
    );
    expect(received.sender).toBe(colleague.account.userId);
    await page.screenshot({ path: join(profileDirectory, '..', 'before-restart.png') });
  });

  it('after Chromium restarts over the same profile, restore resumes the same device, its archive and its keys', async () => {
    const before = await deviceKeysAtServer();
    expect(before.devices).toEqual([deviceId]);
    expect(before.keys).toHaveLength(1);
    await openDesktop().page.evaluate(() => {
      window.bleepDesktop.stop();
    });
    await closeBrowser();
    await colleague.core.rooms.sendText(roomId, whileClosed);

    const { page, launchMs, pageReadyMs } = await launch();
    timings.relaunch = Math.round(launchMs);
    timings.pageReady = Math.round(pageReadyMs);
    // Sync is held back until the earlier note shows: it can only have come from the page's own archive.
    let releaseSync: () => void = () => undefined;
    const syncHeld = new Promise<void>((resolve) => {
      releaseSync = resolve;
    });
    let syncsAnswered = 0;
    await page.route('**/_matrix/client/*/sync*', async (route) => {
      await syncHeld;
      await route.continue();
      syncsAnswered += 1;
    });
    const restoreAt = performance.now();
    const restoring = page.evaluate(() => window.bleepDesktop.restore());
    await page.evaluate((room) => {
      window.bleepDesktop.show(room);
    }, roomId);
    const fromArchive = await eventuallyInPage('the earlier note to show from the archive', async () =>
      (await pageMessages()).find((message) => message.body === firstNote),
    );
    timings.archiveShown = Math.round(performance.now() - restoreAt);
    expect(fromArchive.sender).toBe(colleague.account.userId);
    expect(syncsAnswered).toBe(0);
    releaseSync();
    expect(await restoring).toBe('restored');
    // The route did hold the page's syncs (so none had been answered when the note showed).
    await eventuallyInPage('a sync to be answered once released', () =>
      Promise.resolve(syncsAnswered > 0 ? true : undefined),
    );
    timings.restore = Math.round(performance.now() - restoreAt);
    expect(await page.evaluate(() => window.bleepDesktop.session())).toMatchObject({
      status: 'ready',
      userId: nurse.userId,
      deviceId,
    });

    // The same device keys: no new device at the server, no new keys uploaded, and new room keys reach it.
    await eventuallyInPage('the note sent while Chromium was closed to decrypt', () =>
      decryptedInPage(whileClosed),
    );
    await colleague.core.rooms.sendText(roomId, afterRestart);
    await eventuallyInPage('a note sent after the restart to decrypt', () => decryptedInPage(afterRestart));
    expect(await deviceKeysAtServer()).toEqual(before);
    await page.screenshot({ path: join(profileDirectory, '..', 'after-restart.png') });
  });

  it("keeps no message and none of the patient's details in any file of the profile", async () => {
    const { page } = openDesktop();
    // A control: text the page keeps unsealed in IndexedDB is found by the same scan.
    const control = `unsealed control ${run}: the scan reads IndexedDB's files`;
    await page.evaluate(async (text) => {
      const request = indexedDB.open('scan-control', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('values');
      const database = await new Promise<IDBDatabase>((resolve, reject) => {
        request.onsuccess = () => {
          resolve(request.result);
        };
        request.onerror = () => {
          reject(new Error('scan control: IndexedDB did not open'));
        };
      });
      const transaction = database.transaction('values', 'readwrite', { durability: 'strict' });
      transaction.objectStore('values').put({ text }, 'control');
      await new Promise((resolve) => (transaction.oncomplete = resolve));
    }, control);
    await page.evaluate(() => {
      window.bleepDesktop.stop();
    });
    await closeBrowser();

    expect(await profileFileCount(profileDirectory)).toBeGreaterThan(10);
    expect(await profileFilesContaining(profileDirectory, control)).not.toEqual([]);
    for (const text of sensitive) {
      expect({ text, files: await profileFilesContaining(profileDirectory, text) }).toEqual({
        text,
        files: [],
      });
    }
  });
});
