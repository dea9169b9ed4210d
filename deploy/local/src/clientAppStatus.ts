// Whether the client app's server runs: recorded in the stack state and alive with its command line. One recorded
// but gone is reported as crashed, with the end of its log.
import { clientAppFiles, clientAppMarkers, clientAppUrl } from './clientAppProcess.ts';
import { localLayout } from './localLayout.ts';
import { isOurProcess, logTail } from './ownedProcess.ts';
import type { StackLayout } from './stackLayout.ts';
import { readStackState } from './stackState.ts';

export type ClientAppStatus =
  | Readonly<{ state: 'running'; pid: number; url: string }>
  | Readonly<{ state: 'crashed'; problem: string; logTail: string }>
  | Readonly<{ state: 'stopped' }>;

export async function clientAppStatus(layout: StackLayout = localLayout()): Promise<ClientAppStatus> {
  const record = (await readStackState(layout.stackFile)).clientApp;
  if (!record) return { state: 'stopped' };
  const files = clientAppFiles(layout);
  if (await isOurProcess(record.pid, clientAppMarkers(files.configPath))) {
    return { state: 'running', pid: record.pid, url: clientAppUrl };
  }
  return {
    state: 'crashed',
    problem: `its server (pid ${record.pid}) stopped unexpectedly; \`up\` starts it again`,
    logTail: await logTail(files.log),
  };
}
