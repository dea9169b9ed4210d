// `npm run stack -- policy <trust> <bleep-policy command>`: runs trust IT's bleep-policy command against a local
// trust, with that trust's database and admin API filled in (as IT's own environment would have them).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { adminTokenPath } from './adminAccount.ts';
import { bleepPolicyPath } from './bleepPolicyProcess.ts';
import { localLayout } from './localLayout.ts';
import { stackStatus } from './stackStatus.ts';
import { StepError } from './progress.ts';
import { trustFiles } from './trustFiles.ts';

export async function runPolicyCommand(
  trustName: string | undefined,
  args: readonly string[],
): Promise<number> {
  const status = (await stackStatus()).find((entry) => entry.name === trustName);
  if (status?.state !== 'running') {
    throw new StepError(
      `trust "${trustName ?? ''}" is not running; start it with: npm run stack -- up ${trustName ?? ''}`,
    );
  }
  const files = trustFiles(localLayout(), status.name);
  const env = {
    ...process.env,
    BLEEP_DATABASE_URL: status.trust.policyDatabaseUrl,
    SYNAPSE_ADMIN_URL: status.trust.synapseUrl,
    SYNAPSE_ADMIN_TOKEN: (await readFile(adminTokenPath(files.bleepSecretsDir), 'utf8')).trim(),
  };
  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [bleepPolicyPath, ...args], { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve(code ?? 1);
    });
  });
}
