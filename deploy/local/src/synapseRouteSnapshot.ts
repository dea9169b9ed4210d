// The checked-in snapshot of Synapse's routes (deploy/synapse/routes/synapseRoutes.snapshot.json). The gateway
// forwards only the routes in its own table; a Synapse upgrade that adds, removes or reorders a door changes this
// snapshot, and the integration test fails until someone has looked at the new door and refreshed it.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { SynapseRoute } from './synapseRoutes.ts';

export const synapseRouteSnapshotPath = fileURLToPath(
  new URL('../../synapse/routes/synapseRoutes.snapshot.json', import.meta.url),
);

/** What a person runs (as root) after reviewing the difference. */
export const refreshSynapseRouteSnapshot = 'npm run synapse-routes -w deploy -- snapshot';

const snapshotEntrySchema = z.object({
  resource: z.string(),
  servlet: z.string(),
  methods: z.array(z.string()),
  pattern: z.string(),
});
export type SynapseRouteSnapshotEntry = z.infer<typeof snapshotEntrySchema>;

/** The parts of a route that make it a door (samples and flags follow from them). */
export function synapseRouteSnapshot(routes: readonly SynapseRoute[]): SynapseRouteSnapshotEntry[] {
  return routes.map(({ resource, servlet, methods, pattern }) => ({ resource, servlet, methods, pattern }));
}

export async function readSynapseRouteSnapshot(): Promise<SynapseRouteSnapshotEntry[]> {
  return z.array(snapshotEntrySchema).parse(JSON.parse(await readFile(synapseRouteSnapshotPath, 'utf8')));
}
