// How one trust's retention service runs: a Node process (the pinned Node 24) beside its Synapse, as its own
// unprivileged user, with the trust's databases as its own roles, its own Synapse admin token, and read access to
// the media store (for the proof). Its /healthz, /metrics and /report are on a loopback port.
import { fileURLToPath } from 'node:url';
import { startDetached, type ProcessMarker, type StartedProcess } from './ownedProcess.ts';
import type { SystemUser } from './systemUser.ts';

export const retentionMain = fileURLToPath(
  new URL('../../../retention-service/src/main.ts', import.meta.url),
);
export const retentionCli = fileURLToPath(
  new URL('../../../retention-service/src/cli/bleepRetention.ts', import.meta.url),
);
export const retentionUserName = 'bleep-retention';

/** Command-line markers that identify a trust's retention service, whichever checkout started it. */
export function retentionMarkers(trustName: string): ProcessMarker[] {
  return [/\/retention-service\/src\/main\.ts$/, '--trust', trustName];
}

export function startRetention(
  trustName: string,
  env: Readonly<Record<string, string>>,
  logPath: string,
  user: SystemUser | undefined,
): Promise<StartedProcess> {
  return startDetached({
    ...(user ? { user } : {}),
    command: process.execPath,
    // The trust name is only a marker for `status` and `stop`; the service reads its configuration from env.
    args: [retentionMain, '--trust', trustName],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...env },
    logPath,
  });
}
