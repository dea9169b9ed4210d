// A running session's tokens. Every request the session makes with its access token (matrix-js-sdk's, rust
// crypto's, the core's own to the gateway) goes through this module's fetch, which sends the current access token.
// When the server says that token is unknown, the token is renewed once with the refresh token (POST /refresh), the
// new pair is kept in the SecretStore before either is used (a crash at any point leaves a pair that works: Synapse
// honours the old refresh token until the new pair is used), and the request goes again with the new token.
//
// Why here and not in matrix-js-sdk: since version 38 the SDK refreshes only OAuth 2.0 (MSC3861) sessions; a
// password session's refresh token is ours to use. Why the renewal decides how a session ended: the gateway answers
// an expired token with its own 401 M_UNKNOWN_TOKEN without Synapse's `soft_logout` (policy-module's whoAmI reads
// only the status), so the answer cannot tell "your time is up" from "you were signed out". The refresh can:
// Synapse refuses an expired refresh token, or a session past its lifetime, with 403 M_FORBIDDEN (the device is
// kept: soft logout), and one whose device was signed out or deleted with 401 M_UNKNOWN_TOKEN (its refresh tokens
// went with it). The request's caller is then answered as Matrix would: an expiry as 401 M_UNKNOWN_TOKEN with
// `soft_logout: true`, a sign-out with the server's own answer, a revoked desktop with the gateway's rule.
import { BleepClientError, UnexpectedAnswerError } from '../errors/clientErrors.ts';
import type { Platform } from '../platform.ts';
import { requestTrustJson } from '../trust/trustRequest.ts';
import type { SessionRecord } from './sessionRecords.ts';

/** How the server ended a session whose token it no longer knows. */
export type SessionEnding = 'expired' | 'signed-out' | 'revoked';

type Renewal =
  | Readonly<{ kind: 'renewed' }>
  | Readonly<{ kind: 'ended'; ending: SessionEnding }>
  | Readonly<{ kind: 'unavailable'; error: unknown }>;

export type SessionTokensOptions = Readonly<{
  platform: Pick<Platform, 'fetch' | 'logger'>;
  record: SessionRecord;
  /**
   * Sent on /refresh as on /login. The gateway does not ask for it there yet (a refresh token works from any
   * machine); sent so that it can, without a new client.
   */
  deviceCredential?: string;
  /** Keeps the renewed session; its new tokens are used only once this has resolved. */
  keep: (record: SessionRecord) => Promise<void>;
}>;

export interface SessionTokens {
  /** The platform's fetch, with this session's requests carrying its current access token, renewed as needed. */
  readonly fetch: typeof globalThis.fetch;
  /** The session as kept now: its tokens change at each renewal. */
  current(): SessionRecord;
  /** How the server ended the session, once a renewal was refused. */
  ending(): SessionEnding | undefined;
  /** No more renewals; resolves once a renewal under way is kept or dropped (so a wipe after it stays wiped). */
  close(): Promise<void>;
}

const refreshPath = '/_matrix/client/v3/refresh';
/** A renewal per request at most twice (a token refused right after its renewal is renewed once more). */
const maxRenewals = 2;

function requestHeaders(input: string | URL | Request, init: RequestInit | undefined): Headers {
  const headers = new Headers(input instanceof Request ? input.headers : undefined);
  new Headers(init?.headers).forEach((value, name) => {
    headers.set(name, value);
  });
  return headers;
}

/** A 401 M_UNKNOWN_TOKEN that a renewal might answer; a refusal by one of the gateway's rules is final. */
async function unknownToken(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => undefined);
  if (typeof body !== 'object' || body === null) return false;
  const fields = body as Record<string, unknown>;
  return fields.errcode === 'M_UNKNOWN_TOKEN' && fields['uk.nhs.bleep.rule'] === undefined;
}

/** What every request of an ended session is answered, as Matrix says it (errors/classifyFailure.ts reads it). */
function endedAnswer(ending: 'expired' | 'revoked'): Response {
  const body =
    ending === 'expired'
      ? { errcode: 'M_UNKNOWN_TOKEN', error: 'The session has expired', soft_logout: true }
      : {
          errcode: 'M_UNKNOWN_TOKEN',
          error: 'This desktop is not enrolled with the trust',
          soft_logout: false,
          'uk.nhs.bleep.rule': 'device-enrolment',
        };
  return new Response(JSON.stringify(body), { status: 401, headers: { 'content-type': 'application/json' } });
}

/** What a refused renewal says about the session; undefined when it says nothing yet (try again later). */
function endingFor(error: unknown): SessionEnding | undefined {
  if (!(error instanceof BleepClientError)) return undefined;
  switch (error.code) {
    case 'device-not-enrolled':
      return 'revoked';
    case 'session-ended':
    case 'account-deactivated':
      // The refresh token is unknown: it went with the device, signed out or deleted at the server.
      return 'signed-out';
    case 'server-down':
    case 'rate-limited':
    case 'unknown-server':
      return undefined;
    default:
      if (error instanceof UnexpectedAnswerError && error.status >= 500) return undefined;
      // 403 M_FORBIDDEN: expired, past the session's lifetime, or already used. Any other refusal keeps the data
      // too: a clinician who signs in again loses nothing, and a wrong wipe would lose their only copy.
      return 'expired';
  }
}

export function createSessionTokens(options: SessionTokensOptions): SessionTokens {
  const { platform } = options;
  const log = platform.logger.child('session-tokens');
  const origin = new URL(options.record.serverUrl).origin;
  let record = options.record;
  /** Every access token this session held: a request made with an older one (a stale copy) gets the current one. */
  const held = new Set([record.accessToken]);
  let ended: SessionEnding | undefined;
  let closed = false;
  let renewing: Promise<Renewal> | undefined;

  async function renewOnce(): Promise<Renewal> {
    const { refreshToken } = record;
    if (refreshToken === undefined) return { kind: 'ended', ending: 'signed-out' };
    let answer: unknown;
    try {
      answer = await requestTrustJson(platform, {
        serverUrl: record.serverUrl,
        method: 'POST',
        path: refreshPath,
        purpose: 'session',
        headers: options.deviceCredential ? { 'x-bleep-device-credential': options.deviceCredential } : {},
        body: { refresh_token: refreshToken },
      });
    } catch (error) {
      const ending = endingFor(error);
      if (ending === undefined) {
        log.warn('could not renew the session just now; it is tried again at the next request', {
          error: error instanceof Error ? error.name : 'unknown',
        });
        return { kind: 'unavailable', error };
      }
      ended = ending;
      log.warn('the server refused to renew the session: it has ended', { ending });
      return { kind: 'ended', ending };
    }
    const renewed = answer as { access_token?: unknown; refresh_token?: unknown; expires_in_ms?: unknown };
    if (typeof renewed.access_token !== 'string' || renewed.access_token === '') {
      // Synapse may have made a pair we never saw: the old refresh token stays good until that pair is used.
      return { kind: 'unavailable', error: new UnexpectedAnswerError(200, undefined) };
    }
    const next: SessionRecord = {
      ...record,
      accessToken: renewed.access_token,
      // Without a new refresh token the old one stays good (client-server API, POST /refresh).
      ...(typeof renewed.refresh_token === 'string' && renewed.refresh_token !== ''
        ? { refreshToken: renewed.refresh_token }
        : {}),
    };
    if (closed) return { kind: 'unavailable', error: new Error('the session stopped') };
    try {
      await options.keep(next);
    } catch (error) {
      // Used unkept, the new pair would be lost with a crash, and the old one refused: the session would be gone.
      log.error('could not keep the renewed session, so its new tokens are not used', {
        error: error instanceof Error ? error.name : 'unknown',
      });
      return { kind: 'unavailable', error };
    }
    record = next;
    held.add(next.accessToken);
    log.info('renewed the session', {
      expiresInMs: typeof renewed.expires_in_ms === 'number' ? renewed.expires_in_ms : null,
    });
    return { kind: 'renewed' };
  }

  function renew(): Promise<Renewal> {
    // One renewal at a time: every request refused meanwhile waits for it (a refresh token is used once).
    renewing ??= renewOnce().finally(() => {
      renewing = undefined;
    });
    return renewing;
  }

  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = requestHeaders(input, init);
    const bearer = /^Bearer (.+)$/.exec(headers.get('authorization') ?? '')?.[1];
    if (url.origin !== origin || bearer === undefined || !held.has(bearer))
      return platform.fetch(input, init);
    for (let renewals = 0; ;) {
      if (ended === 'expired' || ended === 'revoked') return endedAnswer(ended);
      const token = record.accessToken;
      headers.set('authorization', `Bearer ${token}`);
      const response = await platform.fetch(input, { ...init, headers: new Headers(headers) });
      if (ended !== undefined || closed || !(await unknownToken(response))) return response;
      // Renewed by another request while this one was out: send it again with the new token.
      if (token !== record.accessToken) continue;
      // A session from before refresh tokens: its end is the server's answer, as it always was.
      if (record.refreshToken === undefined) return response;
      if (renewals === maxRenewals) {
        // Renewed, and still refused: nothing explains it, so it is neither an end nor a reason to wipe.
        throw new TypeError('fetch failed: the renewed session token was refused');
      }
      renewals += 1;
      const renewal = await renew();
      if (renewal.kind === 'unavailable') {
        // Like a network failure: the SDK and the delivery queue wait and try again, and nothing ends.
        throw new TypeError('fetch failed: the session could not be renewed', { cause: renewal.error });
      }
      if (renewal.kind === 'ended' && renewal.ending === 'signed-out') return response;
    }
  };

  return {
    fetch,
    current: () => record,
    ending: () => ended,
    close: async () => {
      closed = true;
      await renewing;
    },
  };
}
