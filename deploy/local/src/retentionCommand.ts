// `npm run stack -- retention <trust> run|report ...`: runs the retention service's bleep-retention command against a
// local trust, with that trust's databases (as the service's roles), admin token and media store filled in. Only
// here may a run replace the policy's window (--older-than): RETENTION_ALLOW_WINDOW_OVERRIDE is set for the local
// stack's tests and demonstrations, never by the production deployment.
import { spawn } from 'node:child_process';
import { localLayout } from './localLayout.ts';
import { loadLocalTrust } from './localTrusts.ts';
import { StepError } from './progress.ts';
import { retentionEnv } from './retentionPreparation.ts';
import { retentionCli } from './retentionProcess.ts';
import { runningTrustInfo, stackStatus } from './stackStatus.ts';
import { trustFiles } from './trustFiles.ts';

export async function runRetentionCommand(
  trustName: string | undefined,
  args: readonly string[],
): Promise<number> {
  const status = (await stackStatus()).find((entry) => entry.name === trustName);
  // A trust whose Synapse (or another process) has died still gets its run, which then fails visibly, recorded
  // with its failures as in production; a trust that was never started or was stopped has nothing to run against.
  if (status === undefined || status.state === 'stopped') {
    throw new StepError(
      `trust "${trustName ?? ''}" is not running; start it with: npm run stack -- up ${trustName ?? ''}`,
    );
  }
  const trust = await loadLocalTrust(status.name);
  const layout = localLayout();
  const info = status.state === 'running' ? status.trust : await runningTrustInfo(layout, trust);
  const env = {
    ...process.env,
    ...(await retentionEnv(
      trust,
      trustFiles(layout, status.name),
      info.synapseUrl,
      info.registrationSharedSecret,
    )),
    RETENTION_ALLOW_WINDOW_OVERRIDE: 'true',
  };
  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [retentionCli, ...args], { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve(code ?? 1);
    });
  });
}
