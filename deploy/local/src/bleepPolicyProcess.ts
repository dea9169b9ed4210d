// Runs bleep-policy, the command trust IT and the directory authority run, as a child process of this Node, so
// the local stack goes through the very command a real deployment uses rather than a copy of its code.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { StepError } from './progress.ts';

export const bleepPolicyPath = fileURLToPath(
  new URL('../../../policy-module/src/cli/bleepPolicy.ts', import.meta.url),
);

const run = promisify(execFile);

/** Its standard output; a non-zero exit is a StepError carrying what the command printed on standard error. */
export async function runBleepPolicy(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<string> {
  try {
    // Only PATH and what the caller names: the operator's own database URL or admin token must not leak in.
    const { stdout } = await run(process.execPath, [bleepPolicyPath, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 60_000,
    });
    return stdout;
  } catch (error) {
    const failed = error as { code?: unknown; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    throw new StepError(
      `bleep-policy ${args.slice(0, 2).join(' ')} exited ${failed.code}: ${(failed.stderr ?? '').trim()}`,
    );
  }
}
