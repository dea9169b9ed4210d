// Needs the real local stack (trust-a: chroot Synapse behind its policy gateway, PostgreSQL) and Debian's Chromium.
// One clinician on two enrolled desktops (two browser profiles) verifies one with the other from the settings by
// comparing emoji, as a person would: the request, the answer, the same seven emoji on both screens, "They match" on
// both, and both say verified.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import type { RendererServer } from '../../serve/rendererServer.ts';
import type { StaffAccount } from '../integration/bleepDesktop.testkit.ts';
import {
  serveRenderer,
  shown,
  showsText,
  signedInOnNewDesktop,
  signedInWindow,
  type BleepWindow,
} from './rendererDesktop.testkit.ts';

let trustA: RunningTrust;
let server: RendererServer;
let first: BleepWindow & Readonly<{ account: StaffAccount }>;
let second: BleepWindow;

beforeAll(async () => {
  trustA = trustNamed(inject('stack'), 'trust-a');
  server = await serveRenderer([trustA]);
  first = await signedInWindow(server.url, trustA, 'matron', '564738');
  second = await signedInOnNewDesktop(server.url, trustA, first.account, '564738');
});

afterAll(async () => {
  await first.close();
  await second.close();
  await server.close();
});

describe('verifying another of my desktops, in the renderer', () => {
  it('compares the same seven emoji on both desktops and both say verified', async () => {
    await first.page.getByRole('button', { name: 'Settings' }).click();
    await first.page.getByRole('button', { name: 'Verify another of my desktops' }).click();
    await second.page.getByRole('button', { name: 'Accept verification' }).click();
    await first.page.getByRole('button', { name: 'Compare emoji' }).click();
    const emojiOn = async (window: BleepWindow) => {
      const list = window.page.getByRole('list', { name: 'Emoji to compare' });
      await shown(list);
      return list.getByRole('listitem').allTextContents();
    };
    const onFirst = await emojiOn(first);
    expect(onFirst).toHaveLength(7);
    expect(await emojiOn(second)).toEqual(onFirst);
    await first.page.screenshot({
      path: new URL('../../test-results/screens/11-verify-emoji.png', import.meta.url).pathname,
    });
    await first.page.getByRole('button', { name: 'They match' }).click();
    await second.page.getByRole('button', { name: 'They match' }).click();
    await showsText(first.page.getByRole('region', { name: 'Verify another of my desktops' }), 'Verified');
    await showsText(second.page.getByRole('region', { name: 'Verify another of my desktops' }), 'Verified');
  });
});
