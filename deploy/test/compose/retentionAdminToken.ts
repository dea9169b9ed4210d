// The retention service's admin token, minted as deploy/README.md tells trust IT ("The retention service's admin
// token"): the service's admin account and IT's own made with register_new_matrix_user, IT signed in on the internal
// listener from inside the Synapse container, the service's token minted through the admin API with an expiry,
// IT's session signed out; then the token put in .env and `up -d` again.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { ComposeProject } from './composeProject.ts';
import type { TestDeployment, TestTrust } from './testDeployment.ts';

const internalListener = 'http://localhost:8009';

type Json = Record<string, unknown>;

async function curlInSynapse(
  project: ComposeProject,
  trust: TestTrust,
  path: string,
  body: Json,
  token?: string,
): Promise<Json> {
  const printed = await project.compose([
    'exec',
    '-T',
    `synapse-${trust.name}`,
    'curl',
    '-sS',
    '--fail-with-body',
    '-XPOST',
    `${internalListener}${path}`,
    ...(token === undefined ? [] : ['-H', `authorization: Bearer ${token}`]),
    '-d',
    JSON.stringify(body),
  ]);
  return JSON.parse(printed) as Json;
}

async function registerAdmin(
  project: ComposeProject,
  trust: TestTrust,
  user: string,
  password: string,
): Promise<void> {
  await project.compose([
    'exec',
    '-T',
    `synapse-${trust.name}`,
    'register_new_matrix_user',
    '-c',
    '/data/homeserver.yaml',
    '--admin',
    '-u',
    user,
    '-p',
    password,
    internalListener,
  ]);
}

/** The token, valid for `validDays`, of the trust's bleep-retention admin account. */
export async function mintRetentionToken(
  project: ComposeProject,
  trust: TestTrust,
  validDays: number,
): Promise<string> {
  const servicePassword = randomBytes(16).toString('hex');
  await registerAdmin(project, trust, 'bleep-retention', servicePassword);
  const itPassword = randomBytes(16).toString('hex');
  await registerAdmin(project, trust, 'it-admin', itPassword);
  const login = await curlInSynapse(project, trust, '/_matrix/client/v3/login', {
    type: 'm.login.password',
    identifier: { type: 'm.id.user', user: 'it-admin' },
    password: itPassword,
  });
  const itToken = String(login.access_token);
  const minted = await curlInSynapse(
    project,
    trust,
    `/_synapse/admin/v1/users/${encodeURIComponent(`@bleep-retention:${trust.serverName}`)}/login`,
    { valid_until_ms: Date.now() + validDays * 86_400_000 },
    itToken,
  );
  await curlInSynapse(project, trust, '/_matrix/client/v3/logout', {}, itToken);
  if (typeof minted.access_token !== 'string') throw new Error('the admin API minted no token');
  return minted.access_token;
}

/** Replaces one variable's value in the deployment's .env. */
export async function setEnvValue(deployment: TestDeployment, name: string, value: string): Promise<void> {
  const text = await readFile(deployment.envFile, 'utf8');
  const line = new RegExp(`^${name}=.*$`, 'm');
  if (!line.test(text)) throw new Error(`${name} is not in ${deployment.envFile}`);
  await writeFile(deployment.envFile, text.replace(line, `${name}=${value}`), { mode: 0o600 });
}
