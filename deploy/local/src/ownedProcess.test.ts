// Runs real child processes (a sleeping Node, a fresh one for each test) to check how the runner recognises its own
// processes by pid.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOurProcess, startDetached, stopOurProcess, type StartedProcess } from './ownedProcess.ts';

describe('isOurProcess', () => {
  let dir: string;
  let child: StartedProcess;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'owned-process-'));
    child = await startDetached({
      command: process.execPath,
      args: [
        '-e',
        'setTimeout(() => {}, 60_000)',
        '/some/checkout/policy-module/src/gateway/main.ts',
        '--trust',
        'trust-a',
      ],
      env: {},
      logPath: join(dir, 'child.log'),
    });
  });

  afterEach(async () => {
    await stopOurProcess(child.pid, ['--trust', 'trust-a'], 5_000);
    await rm(dir, { recursive: true, force: true });
  });

  it('matches exact arguments and patterns that one argument satisfies', async () => {
    await expect(isOurProcess(child.pid, ['--trust', 'trust-a'])).resolves.toBe(true);
    await expect(
      isOurProcess(child.pid, [/\/policy-module\/src\/gateway\/main\.ts$/, '--trust', 'trust-a']),
    ).resolves.toBe(true);
  });

  it('does not claim a process whose command line lacks a marker', async () => {
    // A substring is not an argument: "trust" is only part of "--trust".
    await expect(isOurProcess(child.pid, ['trust'])).resolves.toBe(false);
    await expect(isOurProcess(child.pid, ['--trust', 'trust-b'])).resolves.toBe(false);
    await expect(isOurProcess(child.pid, [/^\/other\/main\.ts$/])).resolves.toBe(false);
  });

  it('does not claim a pid that no process has', async () => {
    await expect(isOurProcess(2 ** 22 + 1, ['--trust'])).resolves.toBe(false);
  });

  it('stops the process it recognises, and it is then no longer running', async () => {
    await stopOurProcess(child.pid, ['--trust', 'trust-a'], 5_000);
    await expect(child.exited).resolves.toMatch(/SIGTERM|exit code/);
    await expect(isOurProcess(child.pid, ['--trust', 'trust-a'])).resolves.toBe(false);
  });
});
