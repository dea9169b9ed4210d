// A clinician at a compose trust, set up the way deploy/README.md tells trust IT to: the account made with
// `register_new_matrix_user` in the Synapse container, the desktop enrolled with `bleep-policy enrol-device` in a
// one-off gateway container, then the code redeemed and the password sign-in made through the gateway's public
// address, as the Bleep desktop does. Nothing reaches Synapse or PostgreSQL from outside: neither is published.
import { randomBytes } from 'node:crypto';
import { startClinicianClient, type Clinician } from '../integration/clinicianClient.ts';
import { passwordLogin, redeemEnrolmentCode, type PasswordLogin } from '../integration/enrolledDesktop.ts';
import type { ComposeProject } from './composeProject.ts';
import type { TestTrust } from './testDeployment.ts';

async function enrolDesktop(project: ComposeProject, trust: TestTrust, deviceId: string): Promise<string> {
  const printed = await project.compose([
    'run',
    '--rm',
    '--no-deps',
    '-T',
    `gateway-${trust.name}`,
    'node',
    'policy-module/src/cli/bleepPolicy.ts',
    'enrol-device',
    '--device-id',
    deviceId,
    '--by',
    'compose test',
  ]);
  const code = /^\s+([0-9A-Z]{4}-\S+)\s*$/m.exec(printed)?.[1];
  if (!code) throw new Error(`enrol-device printed no code for ${deviceId}`);
  const response = await redeemEnrolmentCode(trust, deviceId, code);
  const body = (await response.json()) as { credential?: string };
  if (!response.ok || !body.credential)
    throw new Error(`redeeming the enrolment code failed: ${response.status}`);
  return body.credential;
}

export async function signInComposeClinician(
  project: ComposeProject,
  trust: TestTrust,
  role: string,
): Promise<Clinician> {
  const suffix = randomBytes(4).toString('hex');
  const username = `${role}-${suffix}`;
  const password = randomBytes(16).toString('hex');
  // On the internal listener, inside the container, as trust IT does (the gateway forwards no admin API).
  await project.compose([
    'exec',
    '-T',
    `synapse-${trust.name}`,
    'register_new_matrix_user',
    '-c',
    '/data/homeserver.yaml',
    '--no-admin',
    '-u',
    username,
    '-p',
    password,
    'http://localhost:8009',
  ]);
  const deviceId = `${role.slice(0, 20)}-${suffix}`.toUpperCase();
  const credential = await enrolDesktop(project, trust, deviceId);
  const response = await passwordLogin(trust, username, password, { deviceId, credential });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const login = (await response.json()) as PasswordLogin;
  return startClinicianClient(trust.clientUrl, {
    userId: login.user_id,
    accessToken: login.access_token,
    deviceId: login.device_id,
  });
}

/**
 * The types of the room's message events (not state) in the trust's Synapse database, and how many of its stored
 * events hold `text` anywhere in their JSON: read with psql inside the trust's PostgreSQL container.
 */
export async function storedMessageEvents(
  project: ComposeProject,
  trust: TestTrust,
  roomId: string,
  text: string,
): Promise<{ types: string[]; holdingText: number }> {
  const sql = `
    SELECT DISTINCT type FROM events WHERE room_id = :'room' AND state_key IS NULL ORDER BY type;
    SELECT 'holding-text ' || count(*) FROM event_json WHERE room_id = :'room' AND strpos(json, :'text') > 0;`;
  const printed = await project.compose(
    [
      'exec',
      '-T',
      `postgres-${trust.name}`,
      'psql',
      '--username=synapse',
      '--dbname=synapse',
      '--no-align',
      '--tuples-only',
      '--set=ON_ERROR_STOP=1',
      `--set=room=${roomId}`,
      `--set=text=${text}`,
    ],
    { input: sql },
  );
  const lines = printed.split('\n').filter((line) => line !== '');
  const counted = lines.find((line) => line.startsWith('holding-text '));
  return {
    types: lines.filter((line) => !line.startsWith('holding-text ')),
    holdingText: Number(counted?.slice('holding-text '.length) ?? Number.NaN),
  };
}
