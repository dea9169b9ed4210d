// Name resolution inside the Synapse root: every local trust's hostname is loopback, so trusts find each other's
// gateways by the server names in their policies, as they would find real trusts by DNS.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function writeRootHosts(sidRoot: string, trustNames: readonly string[]): Promise<void> {
  const names = trustNames.map((name) => `${name}.localhost`).join(' ');
  await writeFile(join(sidRoot, 'etc/hosts'), `127.0.0.1 localhost ${names}\n::1 localhost\n`);
}
