// How one trust's policy gateway runs: a Node process (the pinned Node 24) in front of its Synapse, owning the
// trust's public client port and its federation TLS port.
import { fileURLToPath } from 'node:url';
import type { GatewayUser } from './gatewayUser.ts';
import { startDetached, type ProcessMarker, type StartedProcess } from './ownedProcess.ts';

export const gatewayMain = fileURLToPath(
  new URL('../../../policy-module/src/gateway/main.ts', import.meta.url),
);

/**
 * Command-line markers that identify a trust's gateway among the machine's processes, whichever checkout started
 * it: a stack left running by another clone must still be found, stopped and replaced.
 */
export function gatewayMarkers(trustName: string): ProcessMarker[] {
  return [/\/policy-module\/src\/gateway\/main\.ts$/, '--trust', trustName];
}

export function startGateway(
  trustName: string,
  env: Readonly<Record<string, string>>,
  logPath: string,
  user: GatewayUser | undefined,
): Promise<StartedProcess> {
  return startDetached({
    ...(user ? { user } : {}),
    command: process.execPath,
    // The trust name is only a marker for `status` and `stop`; the gateway reads its configuration from env.
    args: [gatewayMain, '--trust', trustName],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...env },
    logPath,
  });
}
