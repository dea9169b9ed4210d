// Needs the real local stack: trust-a, a Synapse behind its policy gateway. Refreshable access tokens through the
// gateway, as the homeserver template sets them (5 minutes, renewed within a session that ends after 12 hours): a
// desktop that asks for one gets a short-lived token, renews it through POST /refresh exactly as matrix-js-sdk does,
// and the renewed token serves; the renewal carries the desktop's enrolment credential, as a sign-in does, or the
// gateway refuses it (client/test/integration/refreshTheft.test.ts). Once trust IT revokes the desktop, its refresh
// token renews nothing.
import { createClient } from 'matrix-js-sdk';
import { describe, expect, inject, it } from 'vitest';
import { signInAtEnrolledDesktop, type StaffSession } from './clinicianClient.ts';
import { stackCommand } from './stackCli.ts';
import { trustNamed } from './stackInfo.ts';

const trustA = trustNamed(inject('stack'), 'trust-a');

type RefreshableLogin = { access_token: string; refresh_token?: string; expires_in_ms?: number };

/** A second sign-in at the same enrolled desktop, asking for a refresh token as matrix-js-sdk's login can. */
async function refreshableLogin(session: StaffSession): Promise<RefreshableLogin> {
  const response = await fetch(`${trustA.clientUrl}/_matrix/client/v3/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-bleep-device-credential': session.desktop.credential },
    body: JSON.stringify({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: session.username },
      password: session.password,
      device_id: session.desktop.deviceId,
      refresh_token: true,
    }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as RefreshableLogin;
}

async function whoAmI(accessToken: string): Promise<{ status: number; userId: unknown }> {
  const response = await fetch(`${trustA.clientUrl}/_matrix/client/v3/account/whoami`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  const body = (await response.json()) as { user_id?: unknown };
  return { status: response.status, userId: body.user_id };
}

/** matrix-js-sdk at the enrolled desktop: every request carries its credential, as Bleep's client core sends it. */
function sdkClient(login: RefreshableLogin, session: StaffSession) {
  return createClient({
    baseUrl: trustA.clientUrl,
    accessToken: login.access_token,
    fetchFn: (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('x-bleep-device-credential', session.desktop.credential);
      return fetch(input, { ...init, headers });
    },
  });
}

describe('refreshable access tokens, through the gateway', () => {
  it('expire within 5 minutes and are renewed through /refresh as matrix-js-sdk does it', async () => {
    const session = await signInAtEnrolledDesktop(trustA, 'refresh');
    const login = await refreshableLogin(session);
    expect(login.refresh_token).toEqual(expect.any(String));
    expect(login.expires_in_ms).toBeGreaterThan(0);
    expect(login.expires_in_ms).toBeLessThanOrEqual(5 * 60_000);

    const renewed = await sdkClient(login, session).refreshToken(login.refresh_token ?? '');
    expect(renewed.access_token).not.toBe(login.access_token);
    expect(renewed.refresh_token).toEqual(expect.any(String));
    expect(renewed.expires_in_ms).toBeLessThanOrEqual(5 * 60_000);
    expect(await whoAmI(renewed.access_token)).toEqual({ status: 200, userId: session.userId });
  });

  it('renews nothing for a desktop trust IT has revoked (the renewal above is its control)', async () => {
    const session = await signInAtEnrolledDesktop(trustA, 'revoked-refresh');
    const login = await refreshableLogin(session);
    await stackCommand(['policy', 'trust-a', 'revoke-device', '--device-id', session.deviceId]);
    // The revoked desktop's credential no longer counts: the gateway refuses before Synapse hears of it (and Synapse
    // deleted the device's refresh tokens with the device anyway).
    await expect(sdkClient(login, session).refreshToken(login.refresh_token ?? '')).rejects.toMatchObject({
      httpStatus: 403,
      data: { 'uk.nhs.bleep.rule': 'device-enrolment' },
    });
    expect((await whoAmI(login.access_token)).status).toBe(401);
  });
});
