// Which code a checkout's local stack would run: the checkout's path and a hash of everything that shapes a
// running trust (the gateway's and the retention service's sources, the local policies, the runner and the Synapse
// templates, the locked dependencies). `up` restarts a trust started from other code (another clone, or this one before an edit), so
// tests and people always talk to what is checked out.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const checkoutRoot = fileURLToPath(new URL('../../../', import.meta.url));

const sourceDirs = [
  'policy-module/src',
  'policy-module/policies',
  'retention-service/src',
  'deploy/local/src',
  'deploy/synapse',
];

export async function stackCodeVersion(root = checkoutRoot): Promise<string> {
  const files = [join(root, 'package-lock.json')];
  for (const dir of sourceDirs.map((name) => join(root, name))) {
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
