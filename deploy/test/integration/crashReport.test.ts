// Needs the real local stack: kills the outsider's Synapse behind the runner's back (it is used only by the
// allow-list tests, and this file restarts it), then checks the crash is reported, not hidden.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { localLayout } from '../../local/src/localLayout.ts';
import { readStackState } from '../../local/src/stackState.ts';
import { runningTrusts, stackCommand } from './stackCli.ts';

const execFileAsync = promisify(execFile);
const cli = fileURLToPath(new URL('../../local/src/cli.ts', import.meta.url));

describe('a Synapse that dies behind the runner', () => {
  afterAll(async () => {
    await stackCommand(['up', 'outsider']);
  });

  it('is reported by status (exit code 1, named in "crashed"), and `up` starts it again', async () => {
    const record = (await readStackState(localLayout().stackFile)).trusts.outsider;
    expect(record).toBeDefined();
    process.kill(record?.pid ?? -1, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 500));

    const status = await execFileAsync(process.execPath, [cli, 'status', '--json']).then(
      () => ({ code: 0, stdout: '' }),
      (error: unknown) => ({
        code: (error as { code: number }).code,
        stdout: (error as { stdout: string }).stdout,
      }),
    );
    expect(status.code).toBe(1);
    const parsed = JSON.parse(status.stdout) as {
      trusts: { name: string }[];
      crashed: { name: string; problem: string }[];
    };
    expect(parsed.crashed).toEqual([
      expect.objectContaining({ name: 'outsider', problem: expect.stringContaining('Synapse') as string }),
    ]);
    expect(parsed.trusts.map((trust) => trust.name)).not.toContain('outsider');

    await stackCommand(['up', 'outsider']);
    expect((await runningTrusts()).map((trust) => trust.name)).toContain('outsider');
  });
});
