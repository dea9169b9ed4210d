import { describe, expect, it } from 'vitest';
import { UnexpectedAnswerError, WrongPasswordError } from '../errors/clientErrors.ts';
import type { Platform } from '../platform.ts';
import { loginBody, signInAtEnrolledDesktop } from './signInRequest.ts';

const enrolment = {
  serverUrl: 'https://bleep.trust-a.example',
  deviceId: 'WARD12-PC03',
  credential: 'credential-value',
  enrolledAt: 0,
};

/** A platform whose fetch answers with `answer` and records what was asked. */
function platformAnswering(status: number, body: unknown) {
  const requests: { url: string; init: RequestInit | undefined }[] = [];
  const platform = {
    fetch: (input: string | URL | Request, init?: RequestInit) => {
      requests.push({ url: input instanceof Request ? input.url : input.toString(), init });
      return Promise.resolve(Response.json(body, { status }));
    },
    clock: { now: () => 42 },
  } as unknown as Platform;
  return { platform, requests };
}

describe('the sign-in from an enrolled desktop', () => {
  it("always names this desktop's enrolled device, for a password and for a login token alike", () => {
    expect(
      loginBody({ kind: 'password', username: 'amelia.hart', password: 'pw' }, 'WARD12-PC03'),
    ).toMatchObject({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: 'amelia.hart' },
      device_id: 'WARD12-PC03',
      refresh_token: true,
    });
    expect(loginBody({ kind: 'login-token', token: 'sso-token' }, 'WARD12-PC03')).toMatchObject({
      type: 'm.login.token',
      token: 'sso-token',
      device_id: 'WARD12-PC03',
      refresh_token: true,
    });
  });

  it('sends the device credential in x-bleep-device-credential, and keeps the session it gets', async () => {
    const { platform, requests } = platformAnswering(200, {
      user_id: '@amelia:trust-a.example',
      access_token: 'syt_token',
      device_id: 'WARD12-PC03',
    });
    const session = await signInAtEnrolledDesktop(platform, enrolment, {
      kind: 'password',
      username: 'amelia',
      password: 'pw',
    });
    expect(session).toEqual({
      serverUrl: enrolment.serverUrl,
      userId: '@amelia:trust-a.example',
      deviceId: 'WARD12-PC03',
      accessToken: 'syt_token',
      signedInAt: 42,
    });
    expect(requests[0]?.url).toBe('https://bleep.trust-a.example/_matrix/client/v3/login');
    expect(new Headers(requests[0]?.init?.headers).get('x-bleep-device-credential')).toBe('credential-value');
  });

  it('keeps the refresh token the server gives with the session', async () => {
    const { platform } = platformAnswering(200, {
      user_id: '@amelia:trust-a.example',
      access_token: 'syt_token',
      refresh_token: 'syr_token',
      expires_in_ms: 300_000,
      device_id: 'WARD12-PC03',
    });
    const session = await signInAtEnrolledDesktop(platform, enrolment, {
      kind: 'password',
      username: 'amelia',
      password: 'pw',
    });
    expect(session).toMatchObject({ accessToken: 'syt_token', refreshToken: 'syr_token' });
  });

  it('refuses to keep a session under any device id but the enrolled one', async () => {
    const { platform } = platformAnswering(200, {
      user_id: '@amelia:trust-a.example',
      access_token: 'syt_token',
      device_id: 'SOMETHING-ELSE',
    });
    await expect(
      signInAtEnrolledDesktop(platform, enrolment, { kind: 'password', username: 'amelia', password: 'pw' }),
    ).rejects.toBeInstanceOf(UnexpectedAnswerError);
  });

  it("turns Synapse's refusal into a wrong password", async () => {
    const { platform } = platformAnswering(403, {
      errcode: 'M_FORBIDDEN',
      error: 'Invalid username or password',
    });
    await expect(
      signInAtEnrolledDesktop(platform, enrolment, { kind: 'password', username: 'amelia', password: 'x' }),
    ).rejects.toBeInstanceOf(WrongPasswordError);
  });
});
