// Runs `npm run stack -- retention <trust> run [--older-than <s>] --json` as an operator would, and reads its summary.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../local/src/cli.ts', import.meta.url));

export type RetentionRunResult = Readonly<{
  exitCode: number | null;
  summary: Readonly<{
    runId: number | null;
    status: string;
    clean: boolean;
    proofRan: boolean;
    window: Readonly<{ cutoff: string; proofHorizon: string; windowSource: string }>;
    purged: Readonly<Record<string, number>>;
    rooms: Readonly<Record<string, number>>;
    findings: readonly Readonly<{ kind: string; roomId: string | null; count: number }>[];
    failures: readonly Readonly<{ step: string; roomId: string | null; code: string; message: string }>[];
  }>;
}>;

/** One run now; without `olderThanSeconds`, with the policy's own window (72 hours), as in production. */
export async function retentionRun(
  trustName: string,
  olderThanSeconds?: number,
): Promise<RetentionRunResult> {
  let stdout = '';
  let stderr = '';
  const window = olderThanSeconds === undefined ? [] : ['--older-than', String(olderThanSeconds)];
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'retention', trustName, 'run', ...window, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', resolve);
  });
  try {
    return { exitCode, summary: JSON.parse(stdout) as RetentionRunResult['summary'] };
  } catch {
    throw new Error(
      `retention run on ${trustName} printed no summary (exit ${String(exitCode)}):\n${stderr}`,
    );
  }
}
