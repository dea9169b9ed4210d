// Debian's own Chromium, the browser the test drives: installed from apt when the machine lacks it, the way the local
// runner installs its host packages (deploy/local/src/hostPackages.ts), so a fresh Debian machine runs the test as is.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureHostPackages } from '../../../deploy/local/src/hostPackages.ts';

export const chromiumPath = '/usr/bin/chromium';

/**
 * Flags for a quiet, deterministic headless run: no sandbox (the test runs as root in a container), no GPU, and none
 * of Chromium's own network traffic (QUIC, first-run pages, component updates, sync), so the only requests are the
 * page's.
 */
export const chromiumFlags: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Installs the `chromium` package if /usr/bin/chromium is missing; the apt output goes to a log file. */
export async function ensureDebianChromium(): Promise<void> {
  await ensureHostPackages({ chromium: 'chromium' }, join(tmpdir(), 'bleep-chromium-apt.log'));
}
