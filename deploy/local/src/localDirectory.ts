// The local stack's trust directory: a local directory authority (its key made once, kept root-only) signs the
// list of local trusts, valid for 30 days from each `up`. Each gateway verifies it with the authority's public key,
// as a real trust verifies the national directory.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signDirectory, vouchedPartners, type TrustPolicy } from '@bleep/policy-module';
import { loadLocalTrust } from './localTrusts.ts';
import { StepError } from './progress.ts';
import { writeSecretOnce } from './trustSecrets.ts';

export type LocalDirectory = Readonly<{ directoryPath: string; publicKeyPath: string }>;

const validityMs = 30 * 86_400_000;

export async function ensureLocalTrustDirectory(
  dir: string,
  trustNames: readonly string[],
  now = new Date(),
): Promise<LocalDirectory> {
  await mkdir(dir, { recursive: true });
  // Traversable, so gateways reach public/; the private key file itself is 0600.
  await chmod(dir, 0o755);
  const privateKeyPath = join(dir, 'authority.key');
  // What gateways read (the signed directory, the authority's public key) sits apart from the private key.
  const publicDir = join(dir, 'public');
  await mkdir(publicDir, { recursive: true, mode: 0o755 });
  const publicKeyPath = join(publicDir, 'authority.pub');
  const directoryPath = join(publicDir, 'trust-directory.json');
  await writeSecretOnce(privateKeyPath, () =>
    generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  );
  const privateKey = createPrivateKey(await readFile(privateKeyPath));
  // Only the private half is secret; gateways read the public half.
  await writeFile(publicKeyPath, createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }));
  const trusts = await Promise.all(trustNames.map((name) => loadLocalTrust(name)));
  const signed = signDirectory(
    {
      version: 1,
      issuedAt: new Date(now.getTime() - 60_000).toISOString(),
      expiresAt: new Date(now.getTime() + validityMs).toISOString(),
      trusts: trusts.map((trust) => ({
        odsCode: trust.policy.trust.odsCode,
        name: trust.policy.trust.name,
        serverName: trust.policy.trust.serverName,
      })),
    },
    privateKey,
    'bleep-local-authority',
  );
  await writeFile(directoryPath, `${JSON.stringify(signed, null, 2)}\n`);
  return { directoryPath, publicKeyPath };
}

/**
 * The policy's partners the local directory vouches for, read and verified as the gateway reads it: the Synapse
 * allow-list the runner renders, so a partner left out of the directory is refused by Synapse too.
 */
export async function locallyVouchedPartners(
  policy: TrustPolicy,
  directory: LocalDirectory,
  now = new Date(),
): Promise<string[]> {
  const vouched = vouchedPartners({
    policy,
    directoryText: await readFile(directory.directoryPath, 'utf8'),
    authorityKey: await readFile(directory.publicKeyPath, 'utf8'),
    now,
  });
  if (vouched.outcome === 'refused') {
    throw new StepError(
      `the local trust directory is refused (${vouched.error.code}): ${vouched.error.message}`,
    );
  }
  return vouched.partners;
}
