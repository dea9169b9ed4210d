// Starts and stops one trust's Synapse under chroot, as the unprivileged matrix-synapse user of the sid root.
// Processes are tracked by pid and checked against their command line before a signal, never found by name.
import { spawn } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { StepError } from './progress.ts';

export type SynapseUser = Readonly<{ uid: number; gid: number }>;

/** The matrix-synapse user as the sid root's own /etc/passwd defines it. */
export async function synapseUserIn(sidRoot: string): Promise<SynapseUser> {
  const passwd = await readFile(`${sidRoot}/etc/passwd`, 'utf8');
  const line = passwd.split('\n').find((entry) => entry.startsWith('matrix-synapse:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new StepError(`no matrix-synapse user in ${sidRoot}/etc/passwd`);
  return { uid: Number(uid), gid: Number(gid) };
}

export type StartedSynapse = Readonly<{
  pid: number;
  /** Settles when the process exits while this command still watches it (exit code, or signal name). */
  exited: Promise<string>;
  /** Stops watching, so this command can exit and leave Synapse running. */
  detach: () => void;
}>;

export async function startSynapse(
  sidRoot: string,
  chrootConfigPath: string,
  user: SynapseUser,
  consoleLog: string,
): Promise<StartedSynapse> {
  // Rewritten at each start, so its end is about this run.
  const log = await open(consoleLog, 'w');
  try {
    const child = spawn(
      '/usr/sbin/chroot',
      [
        `--userspec=${user.uid}:${user.gid}`,
        sidRoot,
        '/usr/bin/python3',
        '-m',
        'synapse.app.homeserver',
        '-c',
        chrootConfigPath,
      ],
      // Its own process group, so it outlives this command and a Ctrl-C here does not reach it.
      { detached: true, stdio: ['ignore', log.fd, log.fd], env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' } },
    );
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => {
        resolve(child.pid ?? -1);
      });
    });
    // The parent's own exit event is the reliable signal during start-up; /proc can be read mid-exec.
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => {
        resolve(signal ?? `exit code ${String(code)}`);
      });
    });
    return {
      pid,
      exited,
      detach: () => {
        child.removeAllListeners('exit');
        child.unref();
      },
    };
  } finally {
    await log.close();
  }
}

/** True when `pid` is alive and is the Synapse started with this config (a reused pid is not ours). */
export async function isOurSynapse(pid: number, chrootConfigPath: string): Promise<boolean> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // A zombie has exited; it is not running.
    if (/\) Z /.test(stat)) return false;
    return cmdline.split('\0').includes(chrootConfigPath) && cmdline.includes('synapse.app.homeserver');
  } catch {
    return false;
  }
}

export async function stopSynapse(pid: number, chrootConfigPath: string, timeoutMs = 20_000): Promise<void> {
  if (!(await isOurSynapse(pid, chrootConfigPath))) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isOurSynapse(pid, chrootConfigPath))) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Synapse did not finish shutting down in time; it holds no state that a kill would corrupt (PostgreSQL does).
  process.kill(pid, 'SIGKILL');
}

export async function waitForHealth(
  healthUrl: string,
  exited: Promise<string>,
  timeoutMs: number,
  logPath: string,
): Promise<void> {
  let exitReason: string | undefined;
  void exited.then((reason) => {
    exitReason = reason;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitReason !== undefined)
      throw new StepError(`Synapse exited during start-up (${exitReason})`, logPath);
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new StepError(`Synapse was not healthy at ${healthUrl} after ${timeoutMs / 1000} s`, logPath);
}

/** The last lines of a log, for a crash report. */
export async function logTail(path: string, lines = 15): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
