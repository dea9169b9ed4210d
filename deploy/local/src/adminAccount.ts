// Each local trust's service accounts for the Synapse admin API: one for the gateway and trust IT's command
// (device sign-out on revocation), and one that only the retention service holds (history purge, media deletion,
// acting as a member to erase what a purge cannot reach). Created once through shared-secret registration; their
// tokens are kept root-only.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registerUser } from '@bleep/policy-module';
import { writeSecretOnce } from './trustSecrets.ts';

export type ServiceAccount = Readonly<{ username: string; tokenFile: string; displayName: string }>;

export const policyServiceAccount: ServiceAccount = {
  username: 'bleep-service',
  tokenFile: 'synapse_admin_token',
  displayName: 'Bleep service account',
};

export const retentionServiceAccount: ServiceAccount = {
  username: 'bleep-retention',
  tokenFile: 'retention_admin_token',
  displayName: 'Bleep retention service',
};

export function adminTokenPath(
  bleepSecretsDir: string,
  account: ServiceAccount = policyServiceAccount,
): string {
  return join(bleepSecretsDir, account.tokenFile);
}

export async function ensureAdminToken(
  bleepSecretsDir: string,
  synapseUrl: string,
  sharedSecret: string,
  account: ServiceAccount = policyServiceAccount,
): Promise<string> {
  const path = adminTokenPath(bleepSecretsDir, account);
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    // not made yet
  }
  const registered = await registerUser({
    synapseUrl,
    sharedSecret,
    username: account.username,
    // Nobody logs in with it: the token is what the service uses; the password is thrown away.
    password: randomBytes(32).toString('base64url'),
    displayName: account.displayName,
    admin: true,
  });
  await writeSecretOnce(path, () => registered.accessToken);
  return registered.accessToken;
}
