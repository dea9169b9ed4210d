// Which code a checkout's local stack would run: the checkout's path and a hash of a part's sources. For the trusts:
// everything that shapes a running trust (the gateway's and the retention service's sources, the local policies, the
// runner and the Synapse templates, the locked dependencies). For the client app: what goes into the renderer's
// bundle and the server that serves it. `up` restarts a part started from other code (another clone, or this one
// before an edit), so tests and people always talk to what is checked out; the two are apart so a client edit never
// restarts the homeservers.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const checkoutRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Folders (or single files) relative to the checkout; package-lock.json is always part of it. */
export const trustSources: readonly string[] = [
  'policy-module/src',
  'policy-module/policies',
  'retention-service/src',
  'deploy/local/src',
  'deploy/synapse',
];

/**
 * The renderer's bundle (its views, the core, the browser platform, and the two page-safe corners of the policy
 * module they import), the server and build scripts in client/serve, and how the runner starts that server.
 */
export const clientAppSources: readonly string[] = [
  'client/renderer',
  'client/core',
  'client/browser',
  'client/serve',
  'policy-module/src/nhsNumber',
  'policy-module/src/enrolment/deviceId.ts',
  'deploy/local/src/clientAppProcess.ts',
];

// Tests and their kits never run in the stack; editing one must not restart anything.
const isTestFile = (name: string): boolean => /\.test\.tsx?$|\.testkit\.tsx?$/.test(name);

async function filesOf(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !isTestFile(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

export async function codeVersion(sources: readonly string[], root = checkoutRoot): Promise<string> {
  const files = [join(root, 'package-lock.json')];
  for (const source of sources) files.push(...(await filesOf(join(root, source))));
  const hash = createHash('sha256');
  for (const file of files.sort())
    hash
      .update(`${file}\0`)
      .update(await readFile(file))
      .update('\0');
  return `${root.replace(/\/$/, '')} ${hash.digest('hex').slice(0, 12)}`;
}

export function stackCodeVersion(root = checkoutRoot): Promise<string> {
  return codeVersion(trustSources, root);
}

export function clientAppCodeVersion(root = checkoutRoot): Promise<string> {
  return codeVersion(clientAppSources, root);
}
