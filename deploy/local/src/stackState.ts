// The runner's record of what it started: a pid and start time per trust, and the client app's. Everything else (ports, names,
// secrets) is derived from the policy files and the trust's folder, so this file cannot drift from them.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

const stackStateSchema = z.object({
  version: z.literal(1),
  trusts: z.record(
    z.string(),
    z.object({
      pid: z.number().int().positive(),
      /** 0 while the gateway has not been started yet. */
      gatewayPid: z.number().int().nonnegative().default(0),
      /** 0 while the retention service has not been started yet. */
      retentionPid: z.number().int().nonnegative().default(0),
      startedAt: z.string(),
      /** The code that runs (checkout and source hash, see stackCodeVersion.ts); `up` restarts other code. */
      codeVersion: z.string().default(''),
    }),
  ),
  /** The client app's server, once started (clientAppUp.ts). */
  clientApp: z
    .object({
      pid: z.number().int().positive(),
      startedAt: z.string(),
      /** The renderer's code it serves (clientAppCodeVersion). */
      codeVersion: z.string(),
      /** A hash of the trusts it offers (clientAppPlan.ts); a change restarts it. */
      configVersion: z.string(),
    })
    .optional(),
});

export type StackState = z.infer<typeof stackStateSchema>;

export async function readStackState(path: string): Promise<StackState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, trusts: {} };
    throw error;
  }
  return stackStateSchema.parse(JSON.parse(text));
}

/** Written to a temporary file and renamed, so a crash mid-write never leaves half a record. */
export async function writeStackState(path: string, state: StackState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, path);
}
