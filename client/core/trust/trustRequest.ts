// One JSON request to the trust's gateway, made with the platform's fetch: the answer's body when it succeeds, a
// typed error (errors/classifyFailure.ts) when it does not. Used for what the core asks outside matrix-js-sdk:
// the policy, the enrolment, the sign-in, legal holds and the expiry report.
import { UnexpectedAnswerError, UnknownServerError } from '../errors/clientErrors.ts';
import { errorForAnswer, errorForNetworkFailure, type RequestPurpose } from '../errors/classifyFailure.ts';
import type { Platform } from '../platform.ts';

/** Long enough for a loaded homeserver's password hashing; short enough to tell a clinician "server down" in time. */
const requestTimeoutMs = 20_000;

export type TrustRequest = Readonly<{
  serverUrl: string;
  method: 'GET' | 'POST';
  path: string;
  purpose: RequestPurpose;
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
  /** False when any success will do, with or without a body (the expiry report); default true. */
  bodyExpected?: boolean;
}>;

export async function requestTrustJson(
  platform: Pick<Platform, 'fetch'>,
  request: TrustRequest,
): Promise<unknown> {
  let response: Response;
  try {
    response = await platform.fetch(new URL(request.path, request.serverUrl), {
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...request.headers,
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  } catch (error) {
    throw errorForNetworkFailure(request.serverUrl, error);
  }
  // An error page that is not JSON is still classified by its status.
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    throw errorForAnswer(
      request.serverUrl,
      { status: response.status, body, retryAfter: response.headers.get('retry-after') },
      request.purpose,
    );
  }
  if (body === undefined && request.bodyExpected !== false) {
    throw request.purpose === 'policy'
      ? new UnknownServerError(request.serverUrl, 'not-a-bleep-server')
      : new UnexpectedAnswerError(response.status, undefined);
  }
  return body;
}
