// Each local trust's service account for the Synapse admin API (device sign-out on revocation, and later the
// retention service). Created once through shared-secret registration; its token is kept root-only.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registerUser } from '@bleep/policy-module';
import { writeSecretOnce } from './trustSecrets.ts';

export function adminTokenPath(bleepSecretsDir: string): string {
  return join(bleepSecretsDir, 'synapse_admin_token');
}

export async function ensureAdminToken(
  bleepSecretsDir: string,
  synapseUrl: string,
  sharedSecret: string,
): Promise<string> {
  const path = adminTokenPath(bleepSecretsDir);
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    // not made yet
  }
  const account = await registerUser({
    synapseUrl,
    sharedSecret,
    username: 'bleep-service',
    // Nobody logs in with it: the token is what the services use; the password is thrown away.
    password: randomBytes(32).toString('base64url'),
    displayName: 'Bleep service account',
    admin: true,
  });
  await writeSecretOnce(path, () => account.accessToken);
  return account.accessToken;
}
