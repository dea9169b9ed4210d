// The bench's clinician session, made the way a real one is: trust IT creates the account and enrols a desktop,
// the desktop redeems its code at the gateway and signs in through it. The gateway serves only sessions of
// enrolled desktops, so a token from the registration itself would measure refusals, not the gateway's cost.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createEnrolmentStore } from '../src/enrolment/enrolmentStore.ts';
import { registerUser } from '../src/synapseAdmin/registerUser.ts';

export type BenchTrust = Readonly<{
  clientUrl: string;
  synapseUrl: string;
  registrationSharedSecret: string;
  policyDatabaseUrl: string;
}>;

async function enrolDesktop(trust: BenchTrust, deviceId: string): Promise<string> {
  const pool = new pg.Pool({ connectionString: trust.policyDatabaseUrl, max: 1 });
  try {
    const store = createEnrolmentStore({ pool, clock: () => new Date() });
    const issued = await store.createEnrolment(deviceId, { label: 'bench desktop', createdBy: 'bench' });
    if (!issued.ok) throw new Error(`enrolling the bench desktop failed: ${issued.code}`);
    const redeemed = await fetch(`${trust.clientUrl}/_bleep/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_id: deviceId, code: issued.code }),
    });
    const { credential } = (await redeemed.json()) as { credential?: string };
    if (!credential) throw new Error(`redeeming the bench desktop's code failed: ${redeemed.status}`);
    return credential;
  } finally {
    await pool.end();
  }
}

/** A new account's session on an enrolled desktop, signed in through the gateway. */
export async function benchSession(
  trust: BenchTrust,
  role: string,
): Promise<Readonly<{ accessToken: string; userId: string }>> {
  const username = `${role}-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(16).toString('hex');
  await registerUser({
    synapseUrl: trust.synapseUrl,
    sharedSecret: trust.registrationSharedSecret,
    username,
    password,
  });
  const deviceId = `BENCH-${randomBytes(4).toString('hex').toUpperCase()}`;
  const credential = await enrolDesktop(trust, deviceId);
  const login = await fetch(`${trust.clientUrl}/_matrix/client/v3/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-bleep-device-credential': credential },
    body: JSON.stringify({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: username },
      password,
      device_id: deviceId,
    }),
  });
  const signedIn = (await login.json()) as { access_token?: string; user_id?: string };
  if (!signedIn.access_token || !signedIn.user_id) {
    throw new Error(`the bench desktop could not sign in: ${login.status}`);
  }
  return { accessToken: signedIn.access_token, userId: signedIn.user_id };
}
