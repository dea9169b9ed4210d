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
