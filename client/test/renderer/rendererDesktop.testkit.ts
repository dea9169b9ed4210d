// The Bleep renderer as a person uses it, for the end-to-end tests: built once with Vite, served on loopback with
// the local trusts in its config, and opened in Debian's Chromium (playwright-core) with a profile directory of its
// own per clinician, so two clinicians are two browsers and a reload or relaunch keeps what the profile holds.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { issueEnrolmentCode } from '../../../deploy/test/integration/enrolledDesktop.ts';
import { buildRenderer } from '../../serve/rendererBuild.ts';
import { startRendererServer, type RendererServer } from '../../serve/rendererServer.ts';
import { chromiumFlags, chromiumPath, ensureDebianChromium } from '../chromium/debianChromium.ts';
import { createStaffAccount, newDeviceId, type StaffAccount } from '../integration/bleepDesktop.testkit.ts';

export type BleepWindow = Readonly<{
  context: BrowserContext;
  page: Page;
  profileDirectory: string;
  /** The page's console errors and uncaught exceptions, for a failing test's message. */
  pageErrors: readonly string[];
  /** The page's last console lines (errors, warnings, information), for a failing test's message. */
  pageLog: readonly string[];
  close: () => Promise<void>;
}>;

/** Builds the renderer and serves it with these trusts offered at sign-in. */
export async function serveRenderer(trusts: readonly RunningTrust[]): Promise<RendererServer> {
  await ensureDebianChromium();
  const directory = await buildRenderer(join(await mkdtemp(join(tmpdir(), 'bleep-renderer-')), 'dist'));
  return startRendererServer({
    directory,
    trusts: trusts.map((trust) => ({
      name: trust.name,
      displayName: trust.name,
      serverUrl: trust.clientUrl,
    })),
  });
}

export type WindowOptions = Readonly<{
  profileDirectory?: string;
  /** Playwright's fake clock in the page, so a test can move the page's time (idle lock) without waiting. */
  fakeClock?: boolean;
  /**
   * Notifications allowed, and each one the page shows recorded in `window.shownNotifications` instead of on a
   * screen (headless Chromium has none): what the page asked to show is what the test reads.
   */
  recordNotifications?: boolean;
}>;

export type ShownNotification = Readonly<{ title: string; body: string }>;

export async function openBleepWindow(url: string, options: WindowOptions = {}): Promise<BleepWindow> {
  const directory = options.profileDirectory ?? (await mkdtemp(join(tmpdir(), 'bleep-profile-')));
  const context = await chromium.launchPersistentContext(directory, {
    executablePath: chromiumPath,
    headless: true,
    args: [...chromiumFlags],
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  if (options.fakeClock) await page.clock.install();
  if (options.recordNotifications)
    await page.addInitScript(() => {
      const shown: { title: string; body: string }[] = [];
      Object.assign(window, { shownNotifications: shown });
      // eslint-disable-next-line @typescript-eslint/no-extraneous-class -- stands in for the page's Notification: its statics are that API
      class RecordedNotification {
        static readonly permission = 'granted';
        static requestPermission(): Promise<string> {
          return Promise.resolve('granted');
        }
        constructor(title: string, init?: { body?: string }) {
          shown.push({ title, body: init?.body ?? '' });
        }
      }
      Object.assign(window, { Notification: RecordedNotification });
    });
  const pageErrors: string[] = [];
  const pageLog: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
    // The core logs structured lines without content; the last ones say what a stuck step was doing.
    if (['error', 'warning', 'info'].includes(message.type()))
      pageLog.push(`${message.type()}: ${message.text()}`);
    if (pageLog.length > 200) pageLog.shift();
  });
  page.on('pageerror', (error) => {
    pageErrors.push(`${error.name}: ${error.message}`);
  });
  await page.goto(url);
  return { context, page, profileDirectory: directory, pageErrors, pageLog, close: () => context.close() };
}

export type SignInDetails = Readonly<{ server: string; username: string; password: string; code?: string }>;

/** Fills the sign-in as a person would, by the fields' labels, and signs in. */
export async function signInThroughForm(page: Page, details: SignInDetails): Promise<void> {
  await page.getByLabel('Server').fill(details.server);
  if (details.code !== undefined) await page.getByLabel('Enrolment code').fill(details.code);
  await page.getByLabel('Username').fill(details.username);
  await page.getByLabel('Password', { exact: true }).fill(details.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function setFirstPin(page: Page, pin: string): Promise<void> {
  await page.getByLabel('New PIN').fill(pin);
  await page.getByLabel('Confirm PIN').fill(pin);
  await page.getByRole('button', { name: 'Set PIN' }).click();
}

const defaultWaitMs = 60_000;

/** Waits until the element is on screen (bounded): the page's state arrives by sync. */
export async function shown(locator: Locator, timeoutMs = defaultWaitMs): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Waits until the element's text holds `text` (bounded), and fails saying what it held instead. */
export async function showsText(
  locator: Locator,
  text: string | RegExp,
  timeoutMs = defaultWaitMs,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last =
      (await locator
        .first()
        .textContent({ timeout: Math.max(1, deadline - Date.now()) })
        .catch(() => null)) ?? '';
    if (typeof text === 'string' ? last.includes(text) : text.test(last)) return;
    if (Date.now() > deadline)
      throw new Error(`expected the element to show ${String(text)}; it showed "${last}"`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A new clinician on a newly enrolled desktop, signed in through the form with a PIN chosen: the list is showing. */
export async function signedInWindow(
  url: string,
  trust: RunningTrust,
  role: string,
  pin: string,
  options: WindowOptions = {},
): Promise<BleepWindow & Readonly<{ account: StaffAccount }>> {
  const account = await createStaffAccount(trust, role);
  return { ...(await signedInOnNewDesktop(url, trust, account, pin, options)), account };
}

/** This clinician on another newly enrolled desktop (a browser profile of its own), signed in with a PIN chosen. */
export async function signedInOnNewDesktop(
  url: string,
  trust: RunningTrust,
  account: StaffAccount,
  pin: string,
  options: WindowOptions = {},
): Promise<BleepWindow> {
  const code = await issueEnrolmentCode(trust, newDeviceId(account.username.slice(0, 12)));
  const window = await openBleepWindow(url, options);
  await signInThroughForm(window.page, {
    server: trust.clientUrl,
    code,
    username: account.username,
    password: account.password,
  });
  await shown(window.page.getByLabel('New PIN'));
  await setFirstPin(window.page, pin);
  await shown(window.page.getByRole('button', { name: 'New conversation' }));
  return window;
}

/** What the page asked to show as notifications, in order (see recordNotifications). */
export async function shownNotifications(page: Page): Promise<ShownNotification[]> {
  return page.evaluate(
    () => (window as unknown as { shownNotifications: ShownNotification[] }).shownNotifications,
  );
}
