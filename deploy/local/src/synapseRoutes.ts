// Synapse's own route table and routing decisions, asked of the Synapse installed in the sid root (the script is
// deploy/synapse/routes/synapseRoutes.py): the ground truth the gateway's default-deny route table is checked
// against. Needs root (chroot) and a built sid root; the stack itself need not run.
import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { localLayout } from './localLayout.ts';
import { StepError } from './progress.ts';
import { isSidRootReady } from './sidRoot.ts';
import type { StackLayout } from './stackLayout.ts';

const scriptDir = fileURLToPath(new URL('../../synapse/routes/', import.meta.url));
const scriptName = 'synapseRoutes.py';
/** Synapse's code runs as nobody: reading its own package is all the script needs. */
const nobody = '65534:65534';

/** Where a route lives: the mount point twisted hands the request to (see RESOURCE_KINDS in mockHomeserver.py). */
const resourceSchema = z.enum([
  'client',
  'media',
  'federation',
  'key',
  'static',
  'synapse-client',
  'synapse-mas',
  'admin',
  'well-known',
  'health',
]);
export type SynapseResource = z.infer<typeof resourceSchema>;

const synapseRouteSchema = z.object({
  resource: resourceSchema,
  /** Python regex source, matched with re.match (anchored at the start only) against the raw percent-encoded path. */
  pattern: z.string(),
  /** The methods this servlet takes on this pattern; HEAD is served as GET and is not listed. */
  methods: z.array(z.string()).min(1),
  servlet: z.string(),
  /** Raw example paths, one per version alternative (and optional part); each matches `pattern`. */
  samples: z.array(z.string()).min(1),
  /** False when no request can reach it (registered on a resource twisted never hands such paths to). */
  reachable: z.boolean(),
  /** Servlets that registered the same pattern and method earlier and were silently overwritten by this one. */
  replaces: z.array(z.string()).optional(),
});
export type SynapseRoute = z.infer<typeof synapseRouteSchema>;

const synapseRoutingSchema = z.object({
  method: z.string(),
  path: z.string(),
  /** The servlet (or twisted resource) class that handles the request; null when none does. */
  servlet: z.string().nullable(),
  /**
   * 200: a handler was found (it may still answer 204 to OPTIONS or redirect); 404/405: Synapse's M_UNRECOGNIZED;
   * 400: twisted refuses the request line (a path with spaces or non-ASCII); 501: twisted refuses a method other
   * than GET/HEAD/POST on a plain twisted resource.
   */
  status: z.union([z.literal(200), z.literal(400), z.literal(404), z.literal(405), z.literal(501)]),
  resource: resourceSchema.nullable(),
  /** The regex that matched (a JsonResource's route table only); null for twisted resources or no match. */
  pattern: z.string().nullable(),
});
export type SynapseRouting = z.infer<typeof synapseRoutingSchema>;

export type SynapseRequest = Readonly<{
  method: string;
  /** Raw, as sent on the request line: percent-encoded, with the query string if any (ignored, as Synapse does). */
  path: string;
  /** One listener of Bleep's homeserver template; by default every listener (client and federation together). */
  listener?: 'client' | 'federation';
}>;

/** Every route Synapse registers, in its match order (the first pattern that matches a path decides). */
export async function listSynapseRoutes(layout: StackLayout = localLayout()): Promise<SynapseRoute[]> {
  const output = await runSynapseRoutes(layout, 'list');
  return z.array(synapseRouteSchema).parse(JSON.parse(output));
}

/** How Synapse routes each request, in order; one Python process for the whole batch. */
export async function routeInSynapse(
  requests: readonly SynapseRequest[],
  layout: StackLayout = localLayout(),
): Promise<SynapseRouting[]> {
  if (requests.length === 0) return [];
  const input = requests.map((request) => `${JSON.stringify(request)}\n`).join('');
  const output = await runSynapseRoutes(layout, 'route', input);
  const routings = output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => synapseRoutingSchema.parse(JSON.parse(line)));
  if (routings.length !== requests.length) {
    throw new Error(`synapseRoutes.py answered ${routings.length} of ${requests.length} requests`);
  }
  return routings;
}

/**
 * Copies the script into the sid root's state folder (the runner's way of giving the chroot its files), in a
 * folder of its own so concurrent runs never share one, and runs it there with the root's python3.
 */
async function runSynapseRoutes(
  layout: StackLayout,
  mode: 'list' | 'route',
  input?: string,
): Promise<string> {
  if (!(await isSidRootReady(layout.sidRoot))) {
    throw new StepError(`the Synapse root ${layout.sidRoot} is not built yet: run \`npm start\` once`);
  }
  const toolsDir = join(layout.stateDir, 'tools');
  await mkdir(toolsDir, { recursive: true });
  const copyDir = await mkdtemp(join(toolsDir, 'synapse-routes-'));
  try {
    await chmod(copyDir, 0o755);
    for (const name of await readdir(scriptDir)) {
      if (name.endsWith('.py')) await copyFile(join(scriptDir, name), join(copyDir, name));
    }
    const chrootScript = join(layout.chrootStateDir, relative(layout.stateDir, copyDir), scriptName);
    return await captureOutput(
      '/usr/sbin/chroot',
      [`--userspec=${nobody}`, layout.sidRoot, '/usr/bin/python3', chrootScript, mode],
      input,
    );
  } finally {
    await rm(copyDir, { recursive: true, force: true });
  }
}

/** stdout of a command; a non-zero exit is an error carrying its stderr. Warnings on stderr are passed on. */
async function captureOutput(command: string, args: readonly string[], input?: string): Promise<string> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(command, args, {
      // Bytecode caches stay out of the copied folder; nothing of the host's environment leaks into the root.
      env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', resolve);
    child.stdin.end(input ?? '');
  });
  const errors = Buffer.concat(stderr).toString('utf8');
  if (code !== 0) throw new Error(`${scriptName} exited with ${String(code)}:\n${errors}`);
  // A servlet module the mock could not register is reported here and its routes are missing from the answer.
  if (errors !== '') process.stderr.write(errors);
  return Buffer.concat(stdout).toString('utf8');
}
