// Runs real child processes (clientAppLookalike.testkit.ts) to check how `status` tells the client app's state: by
// recorded pid and command line only.
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  lookalikeScript,
  recordClientApp,
  startLookalike,
  temporaryLayout,
} from './clientAppLookalike.testkit.ts';
import { clientAppFiles } from './clientAppProcess.ts';
import { clientAppStatus } from './clientAppStatus.ts';
import { stopOurProcess, type StartedProcess } from './ownedProcess.ts';
import type { StackLayout } from './stackLayout.ts';

describe('clientAppStatus', () => {
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

  it('is stopped when nothing was recorded, running when the recorded pid is its server', async () => {
    await expect(clientAppStatus(layout)).resolves.toEqual({ state: 'stopped' });
    const server = await startLookalike(layout, clientAppFiles(layout).configPath);
    children.push(server);
    await recordClientApp(layout, server.pid);
    await expect(clientAppStatus(layout)).resolves.toEqual({
      state: 'running',
      pid: server.pid,
      url: 'http://127.0.0.1:8480',
    });
  });

  it("is crashed when the recorded pid is gone, or is a server of another stack's config", async () => {
    const other = await startLookalike(layout, '/another/stack/bleep-config.json');
    children.push(other);
    await recordClientApp(layout, other.pid);
    await expect(clientAppStatus(layout)).resolves.toMatchObject({ state: 'crashed' });
    await stopOurProcess(other.pid, [lookalikeScript], 5_000);
    await expect(clientAppStatus(layout)).resolves.toMatchObject({ state: 'crashed' });
  });
});
