// A trust desktop as trust IT sets it up: enrolled in the trust's enrolment store (as `bleep-policy enrol-device`
// does), then redeemed through the gateway for its device credential, as the Bleep desktop does on first run.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createEnrolmentStore } from '@bleep/policy-module';
import type { RunningTrust } from '../../local/src/stackStatus.ts';

export type EnrolledDesktop = Readonly<{ deviceId: string; credential: string }>;

/** Trust IT's enrolment store for one trust; the caller ends the pool. */
export function enrolmentStoreOf(trust: RunningTrust): {
  store: ReturnType<typeof createEnrolmentStore>;
  pool: pg.Pool;
} {
  const pool = new pg.Pool({ connectionString: trust.policyDatabaseUrl, max: 2 });
  return { store: createEnrolmentStore({ pool, clock: () => new Date() }), pool };
}

export async function issueEnrolmentCode(trust: RunningTrust, deviceId: string): Promise<string> {
  const { store, pool } = enrolmentStoreOf(trust);
  try {
    const issued = await store.createEnrolment(deviceId, {
      label: 'integration test desktop',
      createdBy: 'integration-test',
    });
    if (!issued.ok) throw new Error(`enrolment refused: ${issued.code}`);
    return issued.code;
  } finally {
    await pool.end();
  }
}

export async function redeemEnrolmentCode(
  trust: Pick<RunningTrust, 'clientUrl'>,
  deviceId: string,
  code: string,
): Promise<Response> {
  return fetch(`${trust.clientUrl}/_bleep/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ device_id: deviceId, code }),
  });
}

export async function enrolDesktop(trust: RunningTrust, label: string): Promise<EnrolledDesktop> {
  const deviceId = `${label}-${randomBytes(4).toString('hex')}`.toUpperCase();
  const code = await issueEnrolmentCode(trust, deviceId);
  const response = await redeemEnrolmentCode(trust, deviceId, code);
  const body = (await response.json()) as { credential?: string };
  if (!response.ok || !body.credential)
    throw new Error(`redeeming the enrolment code failed: ${response.status}`);
  return { deviceId, credential: body.credential };
}

export type PasswordLogin = Readonly<{ user_id: string; access_token: string; device_id: string }>;

/** A password login through the gateway from a desktop, with its device credential (if any). */
export async function passwordLogin(
  trust: Pick<RunningTrust, 'clientUrl'>,
  username: string,
  password: string,
  desktop: Partial<EnrolledDesktop>,
): Promise<Response> {
  return fetch(`${trust.clientUrl}/_matrix/client/v3/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(desktop.credential ? { 'x-bleep-device-credential': desktop.credential } : {}),
    },
    body: JSON.stringify({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: username },
      password,
      ...(desktop.deviceId ? { device_id: desktop.deviceId } : {}),
      initial_device_display_name: 'Bleep desktop',
    }),
  });
}
