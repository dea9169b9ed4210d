// Unprivileged system users on the host for the local stack's long-lived processes: each runs as its own user,
// which owns only what that process must write.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runLogged } from './progress.ts';

const execFileAsync = promisify(execFile);

export type SystemUser = Readonly<{ name: string; uid: number; gid: number }>;

async function idOf(name: string, flag: '-u' | '-g'): Promise<number | undefined> {
  try {
    const { stdout } = await execFileAsync('id', [flag, name]);
    return Number(stdout.trim());
  } catch {
    return undefined;
  }
}

/** The named system user (no home, no shell, its own group), made if missing. */
export async function ensureSystemUser(name: string, logPath: string): Promise<SystemUser> {
  if ((await idOf(name, '-u')) === undefined) {
    await runLogged(
      'useradd',
      [
        '--system',
        '--user-group',
        '--no-create-home',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
        name,
      ],
      logPath,
    );
  }
  const uid = await idOf(name, '-u');
  const gid = await idOf(name, '-g');
  if (uid === undefined || gid === undefined) throw new Error(`system user ${name} could not be made`);
  return { name, uid, gid };
}

async function canRead(userName: string, path: string): Promise<boolean> {
  try {
    await execFileAsync('runuser', ['-u', userName, '--', 'test', '-r', path]);
    return true;
  } catch {
    return false;
  }
}

/**
 * The named system user, made if missing, for a service that runs from this checkout; undefined when that user
 * cannot read what the service runs (`paths`: a clone inside root's private home), and the service must run as root.
 */
export async function ensureServiceUser(
  name: string,
  paths: readonly string[],
  logPath: string,
): Promise<SystemUser | undefined> {
  const user = await ensureSystemUser(name, logPath);
  for (const path of paths) {
    if (!(await canRead(name, path))) return undefined;
  }
  return user;
}
