// The runner's long-lived child processes (Synapse, the policy gateway): started detached with their output in a
// log, tracked by pid, and checked against their command line before any signal. Never found or killed by name.
import { spawn } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { StepError } from './progress.ts';

export type StartedProcess = Readonly<{
  pid: number;
  /** Settles when the process exits while this command still watches it (exit code, or signal name). */
  exited: Promise<string>;
  /** Stops watching, so this command can exit and leave the process running. */
  detach: () => void;
}>;

export type ProcessSpec = Readonly<{
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Output goes here; rewritten at each start, so its end is about this run. */
  logPath: string;
  /** Run as this user rather than the runner's (root). */
  user?: Readonly<{ uid: number; gid: number }>;
}>;

export async function startDetached(spec: ProcessSpec): Promise<StartedProcess> {
  const log = await open(spec.logPath, 'w');
  try {
    // Its own process group, so it outlives this command and a Ctrl-C here does not reach it.
    const child = spawn(spec.command, spec.args, {
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: spec.env,
      ...(spec.user ? { uid: spec.user.uid, gid: spec.user.gid } : {}),
    });
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

/** A command-line argument, exactly, or a pattern one argument must match. */
export type ProcessMarker = string | RegExp;

/** True when `pid` is alive and its command line holds every marker (a reused pid is not ours). */
export async function isOurProcess(pid: number, markers: readonly ProcessMarker[]): Promise<boolean> {
  try {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // A zombie has exited; it is not running.
    if (/\) Z /.test(stat)) return false;
    return markers.every((marker) =>
      typeof marker === 'string' ? cmdline.includes(marker) : cmdline.some((arg) => marker.test(arg)),
    );
  } catch {
    return false;
  }
}

export async function stopOurProcess(
  pid: number,
  markers: readonly ProcessMarker[],
  timeoutMs = 20_000,
): Promise<void> {
  if (!(await isOurProcess(pid, markers))) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isOurProcess(pid, markers))) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // It did not finish shutting down in time. Neither Synapse nor the gateway holds state that a kill would
  // corrupt: PostgreSQL does.
  process.kill(pid, 'SIGKILL');
}

export async function waitForHealth(
  what: string,
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
      throw new StepError(`${what} exited during start-up (${exitReason})`, logPath);
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new StepError(`${what} was not healthy at ${healthUrl} after ${timeoutMs / 1000} s`, logPath);
}

/** The last lines of a log, for a crash report. */
export async function logTail(path: string, lines = 15): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
