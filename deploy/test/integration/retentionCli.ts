// Runs any `npm run stack -- retention <trust> ...` command (hold, purge-room, report) as an information-governance
// officer would, and keeps its output and exit code.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../local/src/cli.ts', import.meta.url));

export type RetentionCliResult = Readonly<{ exitCode: number | null; stdout: string; stderr: string }>;

export async function retentionCli(trustName: string, args: readonly string[]): Promise<RetentionCliResult> {
  let stdout = '';
  let stderr = '';
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'retention', trustName, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', resolve);
  });
  return { exitCode, stdout, stderr };
}
