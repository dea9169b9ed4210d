// Human progress for the runner: one line a step, its duration, and where the log is when it fails.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export class StepError extends Error {
  override readonly name = 'StepError';
  readonly logPath: string | undefined;

  constructor(message: string, logPath?: string) {
    super(logPath ? `${message} (log: ${logPath})` : message);
    this.logPath = logPath;
  }
}

export type Reporter = Readonly<{
  step<T>(title: string, work: () => Promise<T>): Promise<T>;
  info(line: string): void;
}>;

/** Steps print to stderr so `status --json` on stdout stays machine-readable. */
export function consoleReporter(out: NodeJS.WritableStream = process.stderr): Reporter {
  return {
    async step(title, work) {
      const started = Date.now();
      out.write(`… ${title}\n`);
      try {
        const result = await work();
        out.write(`✓ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
        return result;
      } catch (error) {
        out.write(`✗ ${title}: ${error instanceof Error ? error.message : String(error)}\n`);
        throw error;
      }
    },
    info(line) {
      out.write(`${line}\n`);
    },
  };
}

/** Runs a command, appending its output to `logPath`; a non-zero exit becomes a StepError naming the log. */
export async function runLogged(
  command: string,
  args: readonly string[],
  logPath: string,
  options: Readonly<{ env?: NodeJS.ProcessEnv; input?: string }> = {},
): Promise<void> {
  await mkdir(dirname(logPath), { recursive: true });
  const log = createWriteStream(logPath, { flags: 'a' });
  log.write(`\n$ ${command} ${args.join(' ')}\n`);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(command, args, {
        env: options.env ?? process.env,
        stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      child.stdout?.pipe(log, { end: false });
      child.stderr?.pipe(log, { end: false });
      if (options.input !== undefined) child.stdin?.end(options.input);
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) throw new StepError(`${command} exited with ${String(code)}`, logPath);
  } catch (error) {
    if (error instanceof StepError) throw error;
    throw new StepError(`${command} could not run: ${(error as Error).message}`, logPath);
  } finally {
    await new Promise((resolve) => log.end(resolve));
  }
}
