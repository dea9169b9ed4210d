// Turns what a server answered, or how a request failed, into one of the core's typed errors. One place decides,
// so "wrong password" at the sign-in and "revoked" in a running session read the same answers the same way. The
// gateway names the rule that refused in `uk.nhs.bleep.rule`; Synapse's own refusals carry no rule.
import { ConnectionError, MatrixError } from 'matrix-js-sdk';
import {
  AccountDeactivatedError,
  BleepClientError,
  DeviceNotEnrolledError,
  EnrolmentRefusedError,
  RateLimitedError,
  ServerDownError,
  SessionEndedError,
  SessionExpiredError,
  UnexpectedAnswerError,
  UnknownServerError,
  WrongPasswordError,
} from './clientErrors.ts';

/** What the request was for: the same status means different things at the enrolment and in a session. */
export type RequestPurpose = 'policy' | 'enrol' | 'sign-in' | 'session';

export type ServerAnswer = Readonly<{
  status: number;
  body: unknown;
  /** The Retry-After header, in seconds, when the body does not say `retry_after_ms`. */
  retryAfter?: string | null;
}>;

const enrolmentRule = 'device-enrolment';

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

function retryAfterMs(answer: ServerAnswer): number | null {
  const fromBody = field(answer.body, 'retry_after_ms');
  if (typeof fromBody === 'number' && Number.isFinite(fromBody) && fromBody >= 0) return fromBody;
  const seconds = Number(answer.retryAfter ?? Number.NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}

export function errorForAnswer(
  serverUrl: string,
  answer: ServerAnswer,
  purpose: RequestPurpose,
): BleepClientError {
  const { status, body } = answer;
  const errcode = typeof field(body, 'errcode') === 'string' ? (field(body, 'errcode') as string) : undefined;
  const rule = field(body, 'uk.nhs.bleep.rule');
  if (status === 429) return new RateLimitedError(retryAfterMs(answer));
  // 502 is the gateway's "the homeserver did not answer"; 503 and 504 are what a proxy in front of it says.
  if (status === 502 || status === 503 || status === 504)
    return new ServerDownError('homeserver-unavailable');
  if (purpose === 'policy') return new UnknownServerError(serverUrl, 'not-a-bleep-server');
  if (rule === enrolmentRule) {
    if (purpose === 'enrol') {
      return new EnrolmentRefusedError(
        errcode === 'M_INVALID_PARAM' ? 'invalid-device-id' : 'code-not-valid',
      );
    }
    return new DeviceNotEnrolledError(purpose === 'sign-in' ? 'sign-in' : 'session');
  }
  if (purpose === 'sign-in' && status === 403) {
    return errcode === 'M_USER_DEACTIVATED' ? new AccountDeactivatedError() : new WrongPasswordError();
  }
  if (purpose === 'session' && status === 401 && errcode === 'M_UNKNOWN_TOKEN') {
    // Matrix's soft logout: the device is kept, only the session's time is up (session/sessionTokens.ts says so
    // only after its refresh was refused as expired; the gateway drops Synapse's own flag).
    return field(body, 'soft_logout') === true ? new SessionExpiredError() : new SessionEndedError();
  }
  if (purpose === 'session' && errcode === 'M_USER_DEACTIVATED') return new AccountDeactivatedError();
  return new UnexpectedAnswerError(status, errcode);
}

/** The error codes (ECONNREFUSED, ENOTFOUND...) anywhere in a failure's cause chain, as Node's fetch nests them. */
function failureCodes(error: unknown): Set<string> {
  const codes = new Set<string>();
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const { code, name, errors, cause } = current as {
      code?: unknown;
      name?: unknown;
      errors?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string') codes.add(code);
    if (name === 'TimeoutError') codes.add('TIMEOUT');
    if (Array.isArray(errors)) for (const inner of errors) for (const c of failureCodes(inner)) codes.add(c);
    current = cause;
  }
  return codes;
}

/** A request that got no answer at all: the name did not resolve, nobody listened, or it took too long. */
export function errorForNetworkFailure(serverUrl: string, error: unknown): BleepClientError {
  if (error instanceof BleepClientError) return error;
  const codes = failureCodes(error);
  if (codes.has('ENOTFOUND')) return new UnknownServerError(serverUrl, 'name-not-found');
  if (codes.has('TIMEOUT') || codes.has('ETIMEDOUT') || codes.has('UND_ERR_CONNECT_TIMEOUT')) {
    return new ServerDownError('timeout');
  }
  // Refused, reset, unreachable, a temporary DNS failure, or a browser's opaque "Failed to fetch".
  return new ServerDownError('unreachable');
}

/**
 * An error thrown by matrix-js-sdk: its MatrixError carries the answer, its ConnectionError the network failure;
 * any other error is rethrown.
 */
export function errorForSdkFailure(
  serverUrl: string,
  error: unknown,
  purpose: RequestPurpose,
): BleepClientError {
  if (error instanceof BleepClientError) return error;
  if (error instanceof MatrixError && error.httpStatus !== undefined) {
    const retryAfter = error.getRetryAfterMs();
    return errorForAnswer(
      serverUrl,
      {
        status: error.httpStatus,
        body: error.data,
        retryAfter: retryAfter === null ? null : String(retryAfter / 1000),
      },
      purpose,
    );
  }
  if (error instanceof ConnectionError) return errorForNetworkFailure(serverUrl, error);
  // Anything else is a fault in the core or the SDK, not an answer: it must not pass for "server down".
  throw error;
}
