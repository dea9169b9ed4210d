// Drives the local stack through its real command line, as an operator would.
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RunningTrust } from '../../local/src/stackStatus.ts';

const execFileAsync = promisify(execFile);
const cli = fileURLToPath(new URL('../../local/src/cli.ts', import.meta.url));

type StatusJson = { trusts: RunningTrust[]; clientAppUrl: string | null };

async function statusJson(): Promise<StatusJson> {
  // status exits 1 when a trust crashed; its JSON still lists the running ones, and `up` restarts the rest.
  const { stdout } = await execFileAsync(process.execPath, [cli, 'status', '--json']).catch(
    (error: unknown) => error as { stdout: string },
  );
  return JSON.parse(stdout) as StatusJson;
}

export async function runningTrusts(): Promise<RunningTrust[]> {
  return (await statusJson()).trusts;
}

/** Where `status --json` says the client app is served (null when it is not running). */
export async function clientAppUrlFromStatus(): Promise<string | null> {
  return (await statusJson()).clientAppUrl;
}

/**
 * Runs the stack CLI. `up` shows its progress, so a slow first build is visible in the test output; other
 * commands show their output only when they fail, so the run still ends with the test summary.
 */
export async function stackCommand(args: readonly string[]): Promise<string> {
  const showProgress = args[0] === 'up';
  let output = '';
  const code = await new Promise<number | null>((resolve, reject) => {
    // Test logs are read by others (CI): seed accounts' passwords are not printed there.
    const cliArgs = showProgress ? [...args, '--hide-passwords'] : args;
    const child = spawn(process.execPath, [cli, ...cliArgs], {
      stdio: ['ignore', showProgress ? 'inherit' : 'pipe', showProgress ? 'inherit' : 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`stack ${args.join(' ')} failed with exit code ${String(code)}\n${output}`);
  return output;
}
