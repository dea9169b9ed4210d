// Runs real child processes (clientAppLookalike.testkit.ts) to check what `stop` does with the client app's server:
// a plain stop ends it by recorded pid and command line and forgets it; naming trusts leaves it running.
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  lookalikeScript,
  recordClientApp,
  startLookalike,
  temporaryLayout,
} from './clientAppLookalike.testkit.ts';
import { clientAppFiles, clientAppMarkers } from './clientAppProcess.ts';
import { isOurProcess, stopOurProcess, type StartedProcess } from './ownedProcess.ts';
import type { Reporter } from './progress.ts';
import type { StackLayout } from './stackLayout.ts';
import { readStackState } from './stackState.ts';
import { stackStop } from './stackStop.ts';

const quietReporter: Reporter = { step: (_title, work) => work(), info: () => undefined };

describe("stackStop and the client app's server", () => {
  let dir: string;
  let layout: StackLayout;
  const children: StartedProcess[] = [];

  beforeEach(async () => {
    ({ dir, layout } = await temporaryLayout());
  });

  afterEach(async () => {
    for (const child of children.splice(0)) await stopOurProcess(child.pid, [lookalikeScript], 5_000);
    await rm(dir, { recursive: true, force: true });
  });

  it('stops it with a plain stop, not when trusts are named, and forgets it', async () => {
    const configPath = clientAppFiles(layout).configPath;
    const server = await startLookalike(layout, configPath);
    children.push(server);
    await recordClientApp(layout, server.pid);

    await stackStop(['trust-a'], quietReporter, layout);
    await expect(isOurProcess(server.pid, clientAppMarkers(configPath))).resolves.toBe(true);

    await stackStop([], quietReporter, layout);
    await expect(server.exited).resolves.toMatch(/SIGTERM|exit code/);
    expect((await readStackState(layout.stackFile)).clientApp).toBeUndefined();
  });

  it("never signals a process under the recorded pid whose command line is not this stack's client app", async () => {
    const other = await startLookalike(layout, '/another/stack/bleep-config.json');
    children.push(other);
    await recordClientApp(layout, other.pid);
    await stackStop([], quietReporter, layout);
    await expect(isOurProcess(other.pid, [lookalikeScript])).resolves.toBe(true);
    expect((await readStackState(layout.stackFile)).clientApp).toBeUndefined();
  });
});
