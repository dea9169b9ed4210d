// The local stack's trust directory: a local directory authority signs the list of local trusts with the very
// commands a real authority runs (`bleep-policy directory keygen`, once, and `directory sign`, valid for 30 days
// from each `up`). Each gateway verifies it with the authority's public key, as a real trust verifies the
// national directory.
import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { vouchedPartners, type TrustPolicy } from '@bleep/policy-module';
import { runBleepPolicy } from './bleepPolicyProcess.ts';
import { loadLocalTrust } from './localTrusts.ts';
import { StepError } from './progress.ts';

export type LocalDirectory = Readonly<{ directoryPath: string; publicKeyPath: string }>;

const validityDays = 30;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export async function ensureLocalTrustDirectory(
  dir: string,
  trustNames: readonly string[],
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
  if (!(await exists(privateKeyPath))) {
    await runBleepPolicy([
      'directory',
      'keygen',
      '--private-key',
      privateKeyPath,
      '--public-key',
      publicKeyPath,
    ]);
  } else if (!(await exists(publicKeyPath))) {
    throw new StepError(
      `${publicKeyPath} is missing beside the local authority's key: npm run stack -- reset makes a new authority`,
    );
  }
  // The authority's own list of trusts, which it keeps and signs.
  const listingPath = join(dir, 'trusts.json');
  const trusts = await Promise.all(trustNames.map((name) => loadLocalTrust(name)));
  const listing = {
    trusts: trusts.map((trust) => ({
      odsCode: trust.policy.trust.odsCode,
      name: trust.policy.trust.name,
      serverName: trust.policy.trust.serverName,
    })),
  };
  await writeFile(listingPath, `${JSON.stringify(listing, null, 2)}\n`);
  await runBleepPolicy([
    'directory',
    'sign',
    '--trusts',
    listingPath,
    '--private-key',
    privateKeyPath,
    '--valid-days',
    String(validityDays),
    '--key-id',
    'bleep-local-authority',
    '--out',
    directoryPath,
  ]);
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
