// For tests of how the runner treats the client app's server: a sleeping Node whose command line looks like it,
// and a stack layout in a temporary folder whose state records it.
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDetached, type StartedProcess } from './ownedProcess.ts';
import { stackLayout, type StackLayout } from './stackLayout.ts';
import { writeStackState } from './stackState.ts';

export const lookalikeScript = '/some/checkout/client/serve/serveRenderer.ts';

export async function temporaryLayout(): Promise<{ dir: string; layout: StackLayout }> {
  const dir = await mkdtemp(join(tmpdir(), 'client-app-'));
  const layout = stackLayout(dir);
  await mkdir(layout.logDir, { recursive: true });
  return { dir, layout };
}

/** A process with the server's script and `--config <configPath>` on its command line, sleeping for a minute. */
export function startLookalike(layout: StackLayout, configPath: string): Promise<StartedProcess> {
  return startDetached({
    command: process.execPath,
    args: ['-e', 'setTimeout(() => {}, 60_000)', lookalikeScript, '--config', configPath],
    env: {},
    logPath: join(layout.logDir, 'lookalike.log'),
  });
}

/** Records `pid` as the client app's server in the layout's stack state. */
export async function recordClientApp(layout: StackLayout, pid: number): Promise<void> {
  await writeStackState(layout.stackFile, {
    version: 1,
    trusts: {},
    clientApp: { pid, startedAt: new Date().toISOString(), codeVersion: 'x', configVersion: 'y' },
  });
}
