// Needs the real local stack (trust-a and trust-b: chroot Synapses federating, each behind its policy gateway,
// PostgreSQL) and Debian's Chromium. A nurse at trust A starts a conversation with a clinician at trust B that is not
// about a patient (no NHS number, no reason: a direct conversation across trusts) and writes at once, before he has
// accepted. The message waits, as the screen says, until he joins; then he reads it (a Node core at trust B).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { selectMessages } from '../../core/stores/selectors/timelineSelectors.ts';
import { selectInvitations } from '../../core/stores/selectors/roomSelectors.ts';
import type { RendererServer } from '../../serve/rendererServer.ts';
import { eventually, signedInDesktop, type StaffAccount } from '../integration/bleepDesktop.testkit.ts';
import { serveRenderer, showsText, signedInWindow, type BleepWindow } from './rendererDesktop.testkit.ts';

const note = `Are you on call for cardiothoracics tonight? ${Math.random().toString(36).slice(2, 8)}`;
let server: RendererServer;
let nurse: BleepWindow & Readonly<{ account: StaffAccount }>;
let surgeon: { core: BleepSession; account: StaffAccount };

beforeAll(async () => {
  const stack = inject('stack');
  const trustA: RunningTrust = trustNamed(stack, 'trust-a');
  const trustB: RunningTrust = trustNamed(stack, 'trust-b');
  server = await serveRenderer([trustA, trustB]);
  [nurse, surgeon] = await Promise.all([
    signedInWindow(server.url, trustA, 'nurse', '482913'),
    signedInDesktop(trustB, 'surgeon'),
  ]);
});

afterAll(async () => {
  await nurse.close();
  surgeon.core.stop();
  await server.close();
});

describe('a conversation with a partner trust’s clinician, not about a patient', () => {
  it('holds what is written before he joins, and he reads it once he has', async () => {
    const page = nurse.page;
    await page.getByRole('button', { name: 'New conversation' }).click();
    await page.getByLabel('Find people').fill(surgeon.account.userId);
    await page.getByRole('button', { name: 'Start conversation' }).click();
    await page.getByLabel('Message').fill(note);
    await page.getByRole('button', { name: 'Send' }).click();
    await showsText(page.getByRole('article').filter({ hasText: note }), 'to accept');

    const invitation = await eventually(
      'the invitation at trust B',
      () => selectInvitations(surgeon.core.store.getState())[0],
    );
    expect(invitation.kind).toBe('direct');
    await surgeon.core.rooms.join(invitation.roomId);
    const received = await eventually('the note to reach trust B and decrypt', () =>
      selectMessages(invitation.roomId)(surgeon.core.store.getState()).find((item) => item.body === note),
    );
    expect(received.decryption).toBe('decrypted');
    await showsText(page.getByRole('article').filter({ hasText: note }), 'Sent');
  });
});
