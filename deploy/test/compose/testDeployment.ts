// Everything a trust's IT team provisions before `docker compose up` (deploy/README.md, "Before the first start"),
// made for two test trusts in a scratch directory: the .env (every variable .env.example names, with random
// passwords), Synapse's keys, the gateway's sealing key, each trust's own CA and certificate, the trust directory
// signed by a test authority with `bleep-policy directory keygen|sign`, and each trust's own Synapse settings.
import { randomBytes } from 'node:crypto';
import { chmod, chown, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicy } from '@bleep/policy-module';
import { parse, stringify } from 'yaml';
import { runBleepPolicy } from '../../local/src/bleepPolicyProcess.ts';
import { runDocker } from '../../compose/dockerCommand.ts';
import type { LocalBaseImages } from '../../compose/localBaseImages.ts';
import { testPublicAddresses } from './publicAddresses.ts';
import { issueTrustCertificate } from './trustPki.ts';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const composeTrusts = ['trust-a', 'trust-b'] as const;
export type ComposeTrust = (typeof composeTrusts)[number];

const partnerOf = { 'trust-a': 'trust-b', 'trust-b': 'trust-a' } as const;
/** The official images' users: Synapse's (991) reads its keys, the gateway's (node, 1000) its key and TLS key. */
const synapseUid = 991;
const gatewayUid = 1000;

export type TestTrust = Readonly<{
  name: ComposeTrust;
  serverName: string;
  publicIp: string;
  /** The gateway's client API, as a desktop reaches it. */
  clientUrl: string;
  caCertPath: string;
}>;

export type TestDeployment = Readonly<{
  dir: string;
  envFile: string;
  trusts: Readonly<Record<ComposeTrust, TestTrust>>;
}>;

const hex = (): string => randomBytes(32).toString('hex');

/** The value the test gives each variable .env.example names; a new variable there must be added here. */
function valueFor(
  name: string,
  paths: Readonly<Record<string, string>>,
  serverNames: Record<ComposeTrust, string>,
): string {
  if (name === 'TRUST_DIRECTORY_DIR') return paths.directory ?? '';
  const match = /^TRUST_([AB])_(.+)$/.exec(name);
  const trust: ComposeTrust | undefined =
    match?.[1] === 'A' ? 'trust-a' : match?.[1] === 'B' ? 'trust-b' : undefined;
  const setting = match?.[2];
  if (!trust || !setting) throw new Error(`the compose test does not know .env.example's ${name}`);
  if (setting.endsWith('_PASSWORD') || setting === 'RETENTION_REPORT_TOKEN') return hex();
  switch (setting) {
    case 'PUBLIC_BASEURL':
      return `https://${serverNames[trust]}/`;
    case 'PUBLIC_IP':
      return testPublicAddresses[trust];
    case 'SYNAPSE_KEYS_DIR':
      return paths[`${trust}-synapse-keys`] ?? '';
    case 'GATEWAY_KEYS_DIR':
      return paths[`${trust}-gateway-keys`] ?? '';
    case 'RETENTION_SYNAPSE_ADMIN_TOKEN':
      // Minted once Synapse runs, as deploy/README.md says; until then the service starts and its runs fail.
      return 'not-yet-minted';
    default:
      throw new Error(`the compose test does not know .env.example's ${name}`);
  }
}

async function writeSecret(path: string, text: string, uid: number): Promise<void> {
  await writeFile(path, text, { mode: 0o600 });
  await chown(path, uid, uid);
}

async function ownedDir(path: string, uid: number): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chown(path, uid, uid);
}

/** Synapse's keys directory as .env.example describes it; the signing key made by the Synapse image itself. */
async function writeSynapseKeys(dir: string, synapseImage: string, partnerCa: string): Promise<void> {
  await ownedDir(dir, synapseUid);
  const signingKey = await runDocker(['run', '--rm', '--entrypoint', 'generate_signing_key', synapseImage]);
  await writeSecret(join(dir, 'signing.key'), signingKey, synapseUid);
  for (const name of ['macaroon_secret_key', 'form_secret', 'registration_shared_secret'])
    await writeSecret(join(dir, name), hex(), synapseUid);
  // The partner's CA, which this trust's Synapse checks the partner's certificate against.
  await copyFile(partnerCa, join(dir, 'partner-ca.crt'));
  await chown(join(dir, 'partner-ca.crt'), synapseUid, synapseUid);
}

/**
 * The trust's own Synapse settings (deploy/synapse/trusts/), with what federating with a partner on a private PKI
 * takes: its CA. The address allowance is the test's alone: Synapse refuses outbound requests to reserved ranges,
 * and the test's public addresses are in one.
 */
async function writeTrustSettings(path: string, trust: ComposeTrust): Promise<void> {
  const own: unknown = parse(await readFile(join(repoRoot, `deploy/synapse/trusts/${trust}.yaml`), 'utf8'));
  const settings = {
    ...(typeof own === 'object' && own !== null ? own : {}),
    federation_custom_ca_list: ['/data/keys/partner-ca.crt'],
    ip_range_whitelist: [`${testPublicAddresses[partnerOf[trust]]}/32`],
  };
  await writeFile(path, stringify(settings), { mode: 0o644 });
}

/** The directory authority's work: its key, the two trusts listed, signed for a day. */
async function writeTrustDirectory(dir: string, listing: unknown): Promise<void> {
  const authorityDir = join(dir, 'authority');
  const publicDir = join(dir, 'trust-directory');
  await mkdir(authorityDir, { recursive: true, mode: 0o700 });
  await mkdir(publicDir, { recursive: true, mode: 0o755 });
  const privateKey = join(authorityDir, 'authority.key');
  const listingPath = join(authorityDir, 'trusts.json');
  await writeFile(listingPath, JSON.stringify(listing, null, 2));
  await runBleepPolicy([
    'directory',
    'keygen',
    '--private-key',
    privateKey,
    '--public-key',
    join(publicDir, 'authority.pub'),
  ]);
  await runBleepPolicy([
    'directory',
    'sign',
    '--trusts',
    listingPath,
    '--private-key',
    privateKey,
    '--valid-days',
    '1',
    '--out',
    join(publicDir, 'trust-directory.json'),
  ]);
  for (const file of ['authority.pub', 'trust-directory.json']) await chmod(join(publicDir, file), 0o644);
}

export async function makeTestDeployment(dir: string, images: LocalBaseImages): Promise<TestDeployment> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await chmod(dir, 0o755);
  const logPath = join(dir, 'provision.log');
  const policies = {
    'trust-a': await loadPolicy(join(repoRoot, 'policy-module/policies/production/trust-a.json')),
    'trust-b': await loadPolicy(join(repoRoot, 'policy-module/policies/production/trust-b.json')),
  };
  const serverNames = {
    'trust-a': policies['trust-a'].trust.serverName,
    'trust-b': policies['trust-b'].trust.serverName,
  };
  const paths: Record<string, string> = { directory: join(dir, 'trust-directory') };
  const trusts: Partial<Record<ComposeTrust, TestTrust>> = {};
  for (const trust of composeTrusts) {
    const certificate = await issueTrustCertificate({
      trustName: trust,
      caDir: join(dir, 'pki', trust),
      tlsDir: join(dir, 'tls', trust),
      serverName: serverNames[trust],
      publicIp: testPublicAddresses[trust],
      gatewayUid,
      logPath,
    });
    trusts[trust] = {
      name: trust,
      serverName: serverNames[trust],
      publicIp: testPublicAddresses[trust],
      clientUrl: `https://${testPublicAddresses[trust]}`,
      caCertPath: certificate.caCertPath,
    };
  }
  for (const trust of composeTrusts) {
    paths[`${trust}-synapse-keys`] = join(dir, 'keys', trust, 'synapse');
    paths[`${trust}-gateway-keys`] = join(dir, 'keys', trust, 'gateway');
    await mkdir(join(dir, 'keys', trust), { recursive: true, mode: 0o755 });
    await writeSynapseKeys(
      paths[`${trust}-synapse-keys`] ?? '',
      images.synapse,
      trusts[partnerOf[trust]]?.caCertPath ?? '',
    );
    await ownedDir(paths[`${trust}-gateway-keys`] ?? '', gatewayUid);
    await writeSecret(
      join(paths[`${trust}-gateway-keys`] ?? '', 'identity-sealing.key'),
      `${randomBytes(32).toString('base64')}\n`,
      gatewayUid,
    );
    await mkdir(join(dir, 'settings'), { recursive: true, mode: 0o755 });
    await writeTrustSettings(join(dir, 'settings', `${trust}.yaml`), trust);
  }
  await writeTrustDirectory(dir, {
    trusts: composeTrusts.map((trust) => ({
      odsCode: policies[trust].trust.odsCode,
      name: policies[trust].trust.name,
      serverName: serverNames[trust],
    })),
  });

  const example = await readFile(join(repoRoot, '.env.example'), 'utf8');
  const names = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1] ?? '');
  const lines = names.map((name) => `${name}=${valueFor(name, paths, serverNames)}`);
  // What the test's override file (docker-compose.local-bases.yml) reads.
  lines.push(
    `BLEEP_LOCAL_NODE_IMAGE=${images.node}`,
    `BLEEP_LOCAL_POSTGRES_IMAGE=${images.postgres}`,
    `BLEEP_LOCAL_SYNAPSE_IMAGE=${images.synapse}`,
    `BLEEP_COMPOSE_SETTINGS_DIR=${join(dir, 'settings')}`,
    `BLEEP_COMPOSE_TLS_DIR=${join(dir, 'tls')}`,
    `BLEEP_COMPOSE_SERVER_NAME_A=${serverNames['trust-a']}`,
    `BLEEP_COMPOSE_SERVER_NAME_B=${serverNames['trust-b']}`,
  );
  const envFile = join(dir, '.env');
  await writeFile(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  const [trustA, trustB] = [trusts['trust-a'], trusts['trust-b']];
  if (!trustA || !trustB) throw new Error('a test trust is missing');
  return { dir, envFile, trusts: { 'trust-a': trustA, 'trust-b': trustB } };
}
