// A Docker engine on this machine, for running docker-compose.yml for real: Debian's docker.io (dockerd 20.10) and
// docker-compose (1.29), installed when missing, and dockerd started when it is not answering. No registry is
// reachable here, so nothing is pulled: images come from the local bases (localBaseImages.ts).
import { spawn } from 'node:child_process';
import { access, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureHostPackages } from '../local/src/hostPackages.ts';
import { StepError } from '../local/src/progress.ts';
import { dockerClient, dockerCompose, runDocker } from './dockerCommand.ts';

const daemonCandidates = ['/usr/sbin/dockerd', '/usr/bin/dockerd'];
const startTimeoutMs = 60_000;

async function firstExisting(paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) {
    try {
      await access(path);
      return path;
    } catch {
      // not installed there; try the next
    }
  }
  return undefined;
}

async function daemonAnswers(): Promise<boolean> {
  try {
    await runDocker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export type EngineStart = Readonly<{ installed: readonly string[]; startedDaemon: boolean }>;

/**
 * Installs docker.io and docker-compose if missing, and starts dockerd (detached, outliving this process, logging
 * to `logDir/dockerd.log`) if it does not answer. Throws a StepError naming the log when it cannot start: a
 * machine without a working engine fails the compose test, never skips it.
 */
export async function ensureDockerEngine(logDir: string): Promise<EngineStart> {
  await mkdir(logDir, { recursive: true });
  const installLog = join(logDir, 'engine-install.log');
  const installed = await ensureHostPackages(
    { dockerd: 'docker.io', 'docker-compose': 'docker-compose' },
    installLog,
  );
  for (const path of [dockerClient, dockerCompose]) {
    if ((await firstExisting([path])) === undefined)
      throw new StepError(`${path} is missing after installing docker.io and docker-compose`, installLog);
  }
  if (await daemonAnswers()) return { installed, startedDaemon: false };

  const daemon = await firstExisting(daemonCandidates);
  if (daemon === undefined) throw new StepError('dockerd is not installed', installLog);
  const daemonLog = join(logDir, 'dockerd.log');
  const log = await open(daemonLog, 'a');
  try {
    // Detached with its own session: the engine serves later runs too, and is not ended with this process.
    const child = spawn(daemon, [], { detached: true, stdio: ['ignore', log.fd, log.fd] });
    child.unref();
  } finally {
    await log.close();
  }
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (await daemonAnswers()) return { installed, startedDaemon: true };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const tail = (await readFile(daemonLog, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
  throw new StepError(
    `dockerd did not answer within ${startTimeoutMs / 1000} s; its last lines:\n${tail}`,
    daemonLog,
  );
}
