// The unprivileged system user the local gateways run as. A gateway holds TLS keys and faces the network; it needs
// no root. It runs as root only when this checkout is not readable by that user (a clone inside root's home), and
// the runner says so.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureSystemUser, type SystemUser } from './systemUser.ts';

const execFileAsync = promisify(execFile);
export const gatewayUserName = 'bleep-gateway';

export type GatewayUser = SystemUser;

async function canRead(path: string): Promise<boolean> {
  try {
    await execFileAsync('runuser', ['-u', gatewayUserName, '--', 'test', '-r', path]);
    return true;
  } catch {
    return false;
  }
}

/** The gateway user, made if missing; undefined when it cannot read what the gateway runs (`paths`). */
export async function ensureGatewayUser(
  paths: readonly string[],
  logPath: string,
): Promise<GatewayUser | undefined> {
  const user = await ensureSystemUser(gatewayUserName, logPath);
  for (const path of paths) {
    if (!(await canRead(path))) return undefined;
  }
  return user;
}
