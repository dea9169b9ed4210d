// The unprivileged system user the local gateways run as. A gateway holds TLS keys and faces the network; it needs
// no root. It runs as root only when this checkout is not readable by that user (a clone inside root's home), and
// the runner says so.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runLogged } from './progress.ts';

const execFileAsync = promisify(execFile);
export const gatewayUserName = 'bleep-gateway';

export type GatewayUser = Readonly<{ uid: number; gid: number }>;

async function idOf(flag: '-u' | '-g'): Promise<number | undefined> {
  try {
    const { stdout } = await execFileAsync('id', [flag, gatewayUserName]);
    return Number(stdout.trim());
  } catch {
    return undefined;
  }
}

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
  if ((await idOf('-u')) === undefined) {
    await runLogged(
      'useradd',
      [
        '--system',
        '--no-create-home',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
        gatewayUserName,
      ],
      logPath,
    );
  }
  const uid = await idOf('-u');
  const gid = await idOf('-g');
  if (uid === undefined || gid === undefined) return undefined;
  for (const path of paths) {
    if (!(await canRead(path))) return undefined;
  }
  return { uid, gid };
}
