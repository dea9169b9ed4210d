// How one trust's policy gateway runs: a Node process (the pinned Node 24) in front of its Synapse, owning the
// trust's public client port and its federation TLS port.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayUser } from './gatewayUser.ts';
import { startDetached, type ProcessMarker, type StartedProcess } from './ownedProcess.ts';

export const gatewayMain = fileURLToPath(
  new URL('../../../policy-module/src/gateway/main.ts', import.meta.url),
);

/**
 * Command-line markers that identify a trust's gateway among the machine's processes, whichever checkout started
 * it: a stack left running by another clone must still be found, stopped and replaced.
 */
export function gatewayMarkers(trustName: string): ProcessMarker[] {
  return [/\/policy-module\/src\/gateway\/main\.ts$/, '--trust', trustName];
}

const checkoutRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Which gateway code a checkout would run: its path and a hash of the policy module's sources, the local trusts'
 * policies and the locked dependencies. A trust started from other code (another clone, or this one before an
 * edit) is restarted by `up`, so tests and people always talk to the gateway that is checked out.
 */
export async function gatewayCodeVersion(root = checkoutRoot): Promise<string> {
  const files = [join(root, 'package-lock.json')];
  for (const dir of ['src', 'policies'].map((name) => join(root, 'policy-module', name))) {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (entry.isFile() && !entry.name.endsWith('.test.ts')) files.push(join(entry.parentPath, entry.name));
    }
  }
  const hash = createHash('sha256');
  for (const file of files.sort())
    hash
      .update(`${file}\0`)
      .update(await readFile(file))
      .update('\0');
  return `${root.replace(/\/$/, '')} ${hash.digest('hex').slice(0, 12)}`;
}

export function startGateway(
  trustName: string,
  env: Readonly<Record<string, string>>,
  logPath: string,
  user: GatewayUser | undefined,
): Promise<StartedProcess> {
  return startDetached({
    ...(user ? { user } : {}),
    command: process.execPath,
    // The trust name is only a marker for `status` and `stop`; the gateway reads its configuration from env.
    args: [gatewayMain, '--trust', trustName],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...env },
    logPath,
  });
}
