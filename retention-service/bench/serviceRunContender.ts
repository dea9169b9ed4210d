// Contender 1: the retention service itself, one run as `bleep-retention run` makes it (the CLI, as its own process,
// with the policy's 72-hour window and the service's default settings), timed from start to exit: plan, redactions,
// purges, direct deletes, media, client expiry and its proof.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { retentionCli } from '../../deploy/local/src/retentionProcess.ts';
import type { RunSummary } from '../src/run/retentionRun.ts';
import { ContenderTimeout, sleepUntil, type Contender, type ContenderContext } from './contender.ts';

type Exit = Readonly<{ code: number | null; stdout: string }>;

function runCli(context: ContenderContext, logPath: string): Promise<Exit> {
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(process.execPath, [retentionCli, 'run', '--json'], {
    env: { ...process.env, ...context.retentionEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.pipe(log);
  const timeout = setTimeout(() => {
    child.kill('SIGTERM');
  }, context.settings.BENCH_CONTENDER_TIMEOUT_SECONDS * 1000);
  return new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timeout);
      log.end();
      resolve({ code, stdout });
    });
  });
}

function summaryLines(summary: RunSummary): string[] {
  const purged = Object.entries(summary.purged)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  return [
    `run ${String(summary.runId)}: ${summary.status}${summary.clean ? ', its proof clean' : ''}; rooms ${summary.rooms.total} (${summary.rooms.purged} purged, ${summary.rooms.waitingForPartner} waiting for a partner, ${summary.rooms.failed} failed)`,
    `its counts: ${purged || 'nothing'}; findings ${summary.findings.length}; failures ${summary.failures.length}`,
    ...summary.failures
      .slice(0, 5)
      .map((failure) => `failure: ${failure.step} ${failure.code} ${failure.message}`),
  ];
}

export const serviceRunContender: Contender = {
  id: 'service',
  title: 'retention service (bleep-retention run)',
  synapseConfig: (context) => Promise.resolve(join(context.homeserver.files.chrootDir, 'homeserver.yaml')),
  async purge(context) {
    await sleepUntil(context.idleUntil);
    const startedAt = Date.now();
    const logPath = join(context.homeserver.layout.logDir, 'bench-retention-run.log');
    const exit = await runCli(context, logPath);
    const finishedAt = Date.now();
    if (finishedAt - startedAt >= context.settings.BENCH_CONTENDER_TIMEOUT_SECONDS * 1000) {
      throw new ContenderTimeout(`bleep-retention run did not finish in time (log: ${logPath})`);
    }
    let detail: string[];
    try {
      detail = summaryLines(JSON.parse(exit.stdout) as RunSummary);
    } catch {
      detail = [`bleep-retention run exited ${String(exit.code)} without a summary (log: ${logPath})`];
    }
    return { startedAt, finishedAt, detail: [`exit code ${String(exit.code)}`, ...detail] };
  },
};
