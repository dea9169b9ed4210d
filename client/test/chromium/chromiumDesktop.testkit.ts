// A Bleep desktop as the renderer will run it: Debian's Chromium, driven by playwright-core, with a persistent
// profile directory (so closing and launching again is a real browser restart over the same IndexedDB), showing the
// test page (page/desktopPage.ts) whose window.bleepDesktop is the client core on the browser platform.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
// The page's window.bleepDesktop type (a type-only import: the page's code never runs in Node).
import type {} from './page/desktopPage.ts';
import { chromiumFlags, chromiumPath } from './debianChromium.ts';

export type ChromiumDesktop = Readonly<{
  context: BrowserContext;
  page: Page;
  /** From launch until Chromium answered. */
  launchMs: number;
  /** From navigation until the page's core was ready (platform opened, session made; rust crypto not loaded yet). */
  pageReadyMs: number;
  /** The page's console errors and uncaught exceptions, for a failing test's message. */
  pageErrors: readonly string[];
  close: () => Promise<void>;
}>;

export async function launchChromiumDesktop(
  profileDirectory: string,
  pageUrl: string,
): Promise<ChromiumDesktop> {
  const launchedAt = performance.now();
  const context = await chromium.launchPersistentContext(profileDirectory, {
    executablePath: chromiumPath,
    headless: true,
    args: [...chromiumFlags],
  });
  const launchMs = performance.now() - launchedAt;
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  page.on('pageerror', (error) => {
    pageErrors.push(`${error.name}: ${error.message}`);
  });
  const navigatedAt = performance.now();
  await page.goto(pageUrl);
  await page.waitForFunction(() => 'bleepDesktop' in window);
  const pageReadyMs = performance.now() - navigatedAt;
  return {
    context,
    page,
    launchMs,
    pageReadyMs,
    pageErrors,
    // Closing the context closes Chromium gracefully: IndexedDB's files are flushed, as when a clinician quits.
    close: () => context.close(),
  };
}

/** Asks the page until `check` answers a value (the page's state arrives by sync), bounded. */
export async function eventuallyInPage<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
