// `npm run synapse-routes -w deploy -- list|snapshot|route`: Synapse's routes from the sid root, for people.
// Only wiring and printing here (the work is in synapseRoutes.ts).
import { writeFile } from 'node:fs/promises';
import { format, resolveConfig } from 'prettier';
import { requireRoot } from './localLayout.ts';
import { synapseRouteSnapshot, synapseRouteSnapshotPath } from './synapseRouteSnapshot.ts';
import { listSynapseRoutes, routeInSynapse } from './synapseRoutes.ts';

const usage = `usage: npm run synapse-routes -w deploy -- <command>   (as root: Synapse runs under chroot)
  list                    every route Synapse registers, in its match order, as JSON
  snapshot                rewrite deploy/synapse/routes/synapseRoutes.snapshot.json from today's Synapse
  route METHOD PATH ...   how Synapse routes each request (raw, percent-encoded paths)`;

async function writeSnapshot(): Promise<void> {
  const routes = synapseRouteSnapshot(await listSynapseRoutes());
  // Formatted as Prettier would, so `prettier --check .` passes and a refresh diffs one route per hunk.
  const options = await resolveConfig(synapseRouteSnapshotPath);
  const text = await format(JSON.stringify(routes, null, 2), { ...options, parser: 'json' });
  await writeFile(synapseRouteSnapshotPath, text);
  process.stdout.write(`${routes.length} routes written to ${synapseRouteSnapshotPath}\n`);
}

async function printRouting(args: readonly string[]): Promise<void> {
  if (args.length === 0 || args.length % 2 !== 0) throw new Error(usage);
  const requests = [];
  for (let index = 0; index < args.length; index += 2) {
    requests.push({ method: args[index] ?? '', path: args[index + 1] ?? '' });
  }
  for (const routing of await routeInSynapse(requests)) {
    process.stdout.write(`${JSON.stringify(routing)}\n`);
  }
}

async function main(args: readonly string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command === 'list') {
    requireRoot();
    process.stdout.write(`${JSON.stringify(await listSynapseRoutes(), null, 2)}\n`);
  } else if (command === 'snapshot') {
    requireRoot();
    await writeSnapshot();
  } else if (command === 'route') {
    requireRoot();
    await printRouting(rest);
  } else {
    throw new Error(usage);
  }
}

main(process.argv.slice(2)).then(
  () => undefined,
  (error: unknown) => {
    process.stderr.write(`synapse-routes: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
