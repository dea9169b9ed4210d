// The sign-in (POST /login) from an enrolled desktop: always this desktop's device id, so every session on it is
// the enrolled device, and its credential in x-bleep-device-credential, without which the gateway refuses it.
// Password now; a login token (single sign-on through the trust's identity provider) takes the same path. It asks for
// a refresh token: the trust's access tokens live minutes (deploy/synapse/homeserver.yaml), and a session renewed
// with it (sessionTokens.ts) lasts until the trust's session lifetime, then expires without losing this desktop.
import { UnexpectedAnswerError } from '../errors/clientErrors.ts';
import type { Platform } from '../platform.ts';
import { requestTrustJson } from '../trust/trustRequest.ts';
import type { DesktopEnrolment, SessionRecord } from './sessionRecords.ts';

export type SignInCredentials =
  | Readonly<{ kind: 'password'; username: string; password: string }>
  | Readonly<{ kind: 'login-token'; token: string }>;

export function loginBody(credentials: SignInCredentials, deviceId: string): Record<string, unknown> {
  const common = { device_id: deviceId, initial_device_display_name: 'Bleep desktop', refresh_token: true };
  return credentials.kind === 'password'
    ? {
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: credentials.username },
        password: credentials.password,
        ...common,
      }
    : { type: 'm.login.token', token: credentials.token, ...common };
}

export async function signInAtEnrolledDesktop(
  platform: Platform,
  enrolment: DesktopEnrolment,
  credentials: SignInCredentials,
): Promise<SessionRecord> {
  const answer = (await requestTrustJson(platform, {
    serverUrl: enrolment.serverUrl,
    method: 'POST',
    path: '/_matrix/client/v3/login',
    purpose: 'sign-in',
    headers: { 'x-bleep-device-credential': enrolment.credential },
    body: loginBody(credentials, enrolment.deviceId),
  })) as { user_id?: unknown; access_token?: unknown; device_id?: unknown; refresh_token?: unknown };
  // A session under another device id would not be the enrolled desktop: never keep one.
  if (
    typeof answer.user_id !== 'string' ||
    typeof answer.access_token !== 'string' ||
    answer.device_id !== enrolment.deviceId
  ) {
    throw new UnexpectedAnswerError(200, undefined);
  }
  return {
    serverUrl: enrolment.serverUrl,
    userId: answer.user_id,
    deviceId: enrolment.deviceId,
    accessToken: answer.access_token,
    ...(typeof answer.refresh_token === 'string' && answer.refresh_token !== ''
      ? { refreshToken: answer.refresh_token }
      : {}),
    signedInAt: platform.clock.now(),
  };
}
