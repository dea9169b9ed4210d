// Runs Debian's docker client and docker-compose with their output captured: the one place that spawns them, so
// every caller gets the same environment (classic builds, no registry) and a failure that quotes the command's
// own words.
import { spawn } from 'node:child_process';

/** Debian's docker.io client, matched to its daemon (a newer static client may sit first on PATH). */
export const dockerClient = '/usr/bin/docker';
export const dockerCompose = '/usr/bin/docker-compose';

export class DockerCommandError extends Error {
  override readonly name = 'DockerCommandError';
  readonly exitCode: number | null;
  readonly output: string;

  constructor(command: string, exitCode: number | null, output: string) {
    const tail = output.trim().split('\n').slice(-25).join('\n');
    super(`${command} exited ${String(exitCode)}:\n${tail}`);
    this.exitCode = exitCode;
    this.output = output;
  }
}

export type CommandOptions = Readonly<{
  env?: Readonly<Record<string, string>>;
  input?: string | Buffer;
  cwd?: string;
  timeoutMs?: number;
  /** Streams the command's output here as it comes (a long build), besides capturing it. */
  echo?: NodeJS.WritableStream;
}>;

/**
 * The environment both tools see. Compose 1.29 builds with the Python client, not a docker CLI, so the static
 * 28.x client in /usr/local/bin (whose API is newer than dockerd 20.10's) never takes part.
 */
function toolEnvironment(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    COMPOSE_DOCKER_CLI_BUILD: '0',
    DOCKER_BUILDKIT: '0',
    ...extra,
  };
}

/** Its standard output; a non-zero exit is a DockerCommandError with what it printed. */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: toolEnvironment(options.env),
      cwd: options.cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const both: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      both.push(chunk);
      options.echo?.write(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      both.push(chunk);
      options.echo?.write(chunk);
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    if (options.input !== undefined) child.stdin?.end(options.input);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(stdout).toString('utf8'));
      else
        reject(
          new DockerCommandError(
            `${command} ${args.slice(0, 3).join(' ')}`,
            code,
            Buffer.concat(both).toString('utf8'),
          ),
        );
    });
  });
}

export function runDocker(args: readonly string[], options: CommandOptions = {}): Promise<string> {
  return runCommand(dockerClient, args, options);
}
