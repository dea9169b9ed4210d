// Needs the real local stack (trust-a and trust-b: chroot Synapses federating over TLS, each behind its policy
// gateway, PostgreSQL) and Debian's Chromium (installed from apt if missing). The renderer is built and served as
// `npm start` serves it, and two clinicians use it as people do, by the screens' labels: a nurse at trust A in one
// browser profile, a surgeon at trust B in another. Judged by what the screens show, what Synapse holds (no message
// text, no NHS number, only ciphertext) and what is left in the profile after signing out.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { issueEnrolmentCode } from '../../../deploy/test/integration/enrolledDesktop.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import type { RendererServer } from '../../serve/rendererServer.ts';
import { profileFilesContaining } from '../chromium/profileScan.ts';
import { createStaffAccount, newDeviceId, type StaffAccount } from '../integration/bleepDesktop.testkit.ts';
import {
  openBleepWindow,
  serveRenderer,
  setFirstPin,
  shown,
  showsText,
  signInThroughForm,
  type BleepWindow,
} from './rendererDesktop.testkit.ts';

const screenshots = fileURLToPath(new URL('../../test-results/screens/', import.meta.url));
const run = Math.random().toString(36).slice(2, 8);
const patient = { nhsNumber: '943 476 5919', digits: '9434765919' };
const referralReason = `Suspected aortic stenosis ${run}, please review for TAVI`;
const nurseNote = `Echo report for bed 4 attached ${run}; BP 100/60`;
const surgeonReply = `Thanks ${run}, we can see her in clinic on Thursday`;
const surgeonAnswer = `Yes ${run}, the echo came through; BP noted`;
// A 2x2 PNG (red, green, blue, white): small, valid, and decodable by the page to make its thumbnail.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6gAAAABJRU5ErkJggg==',
  'base64',
);
const pins = { nurse: '482913', surgeon: '730416' };

let trustA: RunningTrust;
let trustB: RunningTrust;
let server: RendererServer;
let nurse: StaffAccount;
let surgeon: StaffAccount;
let nurseWindow: BleepWindow;
let surgeonWindow: BleepWindow;

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, `${name}.png`) });
}

/** axe-core's WCAG 2.1 A and AA rules over what the page shows now: none may fail. */
async function accessibilityViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations.map(
    (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  );
}

function message(page: Page, text: string) {
  return page.getByRole('article').filter({ hasText: text });
}

async function roomOfReferral(): Promise<string> {
  const client = new pg.Client({ connectionString: trustA.databaseUrl });
  await client.connect();
  try {
    const found = await client.query<{ room_id: string }>(
      `SELECT room_id FROM room_memberships WHERE user_id = $1 AND membership = 'invite'`,
      [surgeon.userId],
    );
    const roomId = found.rows[0]?.room_id;
    if (roomId === undefined) throw new Error('no room invited the surgeon');
    return roomId;
  } finally {
    await client.end();
  }
}

/** Every event of the room as Synapse stores it (type and JSON), at one trust. */
async function storedEvents(trust: RunningTrust, roomId: string): Promise<{ type: string; json: string }[]> {
  const client = new pg.Client({ connectionString: trust.databaseUrl });
  await client.connect();
  try {
    const rows = await client.query<{ type: string; json: string }>(
      `SELECT e.type, j.json FROM events e JOIN event_json j USING (event_id) WHERE e.room_id = $1`,
      [roomId],
    );
    return rows.rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await mkdir(screenshots, { recursive: true });
  const stack = inject('stack');
  trustA = trustNamed(stack, 'trust-a');
  trustB = trustNamed(stack, 'trust-b');
  server = await serveRenderer([trustA, trustB]);
  [nurse, surgeon] = await Promise.all([
    createStaffAccount(trustA, 'nurse'),
    createStaffAccount(trustB, 'surgeon'),
  ]);
  [nurseWindow, surgeonWindow] = await Promise.all([
    openBleepWindow(server.url),
    openBleepWindow(server.url),
  ]);
});

afterAll(async () => {
  await nurseWindow.close();
  await surgeonWindow.close();
  await server.close();
});

describe('a referral between two trusts, in the renderer', () => {
  it('enrols each desktop with its code alone and signs the clinicians in; each chooses a PIN', async () => {
    const nurseCode = await issueEnrolmentCode(trustA, newDeviceId('ward4'));
    const surgeonCode = await issueEnrolmentCode(trustB, newDeviceId('cardio'));
    await shown(nurseWindow.page.getByRole('button', { name: 'Sign in' }));
    expect(await accessibilityViolations(nurseWindow.page)).toEqual([]);
    await shoot(nurseWindow.page, '01-sign-in');

    // A wrong password is told in words, and nothing else changes.
    await signInThroughForm(nurseWindow.page, {
      server: trustA.clientUrl,
      code: nurseCode,
      username: nurse.username,
      password: 'not-her-password',
    });
    await showsText(nurseWindow.page.getByRole('alert'), /password/i);
    await shoot(nurseWindow.page, '02-sign-in-wrong-password');

    await signInThroughForm(nurseWindow.page, {
      server: trustA.clientUrl,
      username: nurse.username,
      password: nurse.password,
      // The desktop was enrolled by the first try (the code is spent): the field is gone.
    });
    await signInThroughForm(surgeonWindow.page, {
      server: trustB.clientUrl,
      code: surgeonCode,
      username: surgeon.username,
      password: surgeon.password,
    });
    await shown(nurseWindow.page.getByLabel('New PIN'));
    await shoot(nurseWindow.page, '03-choose-pin');
    expect(await accessibilityViolations(nurseWindow.page)).toEqual([]);
    await setFirstPin(nurseWindow.page, pins.nurse);
    await shown(surgeonWindow.page.getByLabel('New PIN'));
    await setFirstPin(surgeonWindow.page, pins.surgeon);
    await shown(nurseWindow.page.getByRole('button', { name: 'New conversation' }));
    await shown(surgeonWindow.page.getByRole('button', { name: 'New conversation' }));
  });

  it('opens a referral room to the partner clinician with the patient and the reason', async () => {
    const page = nurseWindow.page;
    await page.getByRole('button', { name: 'New conversation' }).click();
    await page.getByLabel('Find people').fill(surgeon.userId);
    await page.getByLabel('Patient NHS number').fill(patient.nhsNumber);
    await page.getByLabel('Reason for referral').fill(referralReason);
    expect(await accessibilityViolations(page)).toEqual([]);
    await shoot(page, '04-new-referral');
    await page.getByRole('button', { name: 'Start conversation' }).click();
    await shown(page.getByRole('heading', { level: 1 }));
    await shown(page.getByText(referralReason).first());

    const invitation = surgeonWindow.page.getByRole('listitem', { name: /Invitation/ });
    await shown(invitation);
    await shoot(surgeonWindow.page, '05-invitation');
    await invitation.getByRole('button', { name: 'Accept' }).click();
    await shown(surgeonWindow.page.getByText(referralReason).first());
    await shown(surgeonWindow.page.getByText('Patient NHS number 943 476 5919').first());
  });

  it('exchanges messages and a reply both ways, delivery turning to read when the other opens them', async () => {
    await nurseWindow.page.getByLabel('Message').fill(nurseNote);
    await nurseWindow.page.getByRole('button', { name: 'Send' }).click();
    const sent = message(nurseWindow.page, nurseNote);
    await shown(sent);
    await shown(message(surgeonWindow.page, nurseNote));
    // The surgeon has the conversation open, so the nurse's message is marked read.
    await showsText(sent, 'Read by');

    await surgeonWindow.page.getByLabel('Message').fill(surgeonReply);
    await surgeonWindow.page.getByRole('button', { name: 'Send' }).click();
    await shown(message(nurseWindow.page, surgeonReply));
    await showsText(message(surgeonWindow.page, surgeonReply), 'Read by');
    // A reply: the surgeon answers the nurse's note; the nurse sees which message it answers.
    await message(surgeonWindow.page, nurseNote).first().getByRole('button', { name: 'Reply' }).click();
    await surgeonWindow.page.getByLabel('Message').fill(surgeonAnswer);
    await surgeonWindow.page.getByRole('button', { name: 'Send' }).click();
    await showsText(message(nurseWindow.page, surgeonAnswer), nurseNote);
    expect(await accessibilityViolations(nurseWindow.page)).toEqual([]);
    await shoot(nurseWindow.page, '06-conversation-nurse');
    await shoot(surgeonWindow.page, '07-conversation-surgeon');
  });

  it('sends an image each way, shown from the archive on the other side', async () => {
    await nurseWindow.page
      .getByLabel('Attach file')
      .setInputFiles({ name: 'echo-bed4.png', mimeType: 'image/png', buffer: png });
    await shown(surgeonWindow.page.getByRole('img', { name: 'echo-bed4.png' }));
    await surgeonWindow.page
      .getByLabel('Attach file')
      .setInputFiles({ name: 'clinic-slot.png', mimeType: 'image/png', buffer: png });
    await shown(nurseWindow.page.getByRole('img', { name: 'clinic-slot.png' }));
    await shoot(nurseWindow.page, '08-images');
  });

  it('leaves Synapse with ciphertext only: no message, reason or NHS number at either trust', async () => {
    const roomId = await roomOfReferral();
    for (const trust of [trustA, trustB]) {
      const events = await storedEvents(trust, roomId);
      expect(events.some((event) => event.type === 'm.room.encrypted')).toBe(true);
      expect(events.filter((event) => event.type === 'm.room.message')).toEqual([]);
      for (const secret of [
        nurseNote,
        surgeonReply,
        referralReason,
        patient.digits,
        patient.nhsNumber,
        'echo-bed4.png',
      ])
        expect(
          events.filter((event) => event.json.includes(secret)).map((event) => event.type),
          secret,
        ).toEqual([]);
    }
  });

  it('keeps the history over a reload, behind the PIN', async () => {
    const page = nurseWindow.page;
    await page.reload();
    await shown(page.getByLabel('PIN', { exact: true }));
    expect(await page.content()).not.toContain(nurseNote);
    await page.getByLabel('PIN', { exact: true }).fill(pins.nurse);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page
      .getByRole('button', { name: new RegExp(surgeon.username) })
      .first()
      .click();
    await shown(message(page, nurseNote));
    await shown(message(page, surgeonReply));
  });

  it('locks on demand with nothing readable behind it, and a wrong PIN does not open it', async () => {
    const page = nurseWindow.page;
    await page.getByRole('button', { name: 'Lock' }).click();
    await shown(page.getByRole('button', { name: 'Unlock' }));
    const onScreen = await page.content();
    for (const secret of [nurseNote, surgeonReply, referralReason, patient.nhsNumber])
      expect(onScreen).not.toContain(secret);
    expect(await accessibilityViolations(page)).toEqual([]);
    await shoot(page, '09-locked');
    await page.getByLabel('PIN', { exact: true }).fill('000000');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await showsText(page.getByRole('alert'), 'tries left');
    await page.getByLabel('PIN', { exact: true }).fill(pins.nurse);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await shown(page.getByRole('button', { name: 'New conversation' }));
  });

  it('signs out with a wipe: the profile no longer holds the archive or its key', async () => {
    const page = nurseWindow.page;
    await page.getByRole('button', { name: 'Settings' }).click();
    expect(await accessibilityViolations(page)).toEqual([]);
    await shoot(page, '10-settings');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await shown(page.getByRole('button', { name: 'Sign in' })).catch(async (error: unknown) => {
      await shoot(page, 'failed-sign-out');
      throw new Error(`${String(error)}\nthe page's last lines:\n${nurseWindow.pageLog.join('\n')}`);
    });
    const databases = await page.evaluate(async () =>
      (await indexedDB.databases()).map((database) => database.name),
    );
    expect(databases).not.toContain('bleep-archive');
    await nurseWindow.close();
    for (const secret of [nurseNote, surgeonReply, referralReason, patient.digits])
      expect(await profileFilesContaining(nurseWindow.profileDirectory, secret), secret).toEqual([]);
  });
});
