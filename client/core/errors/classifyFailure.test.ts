import { ConnectionError, MatrixError } from 'matrix-js-sdk';
import { describe, expect, it } from 'vitest';
import {
  AccountDeactivatedError,
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
import { errorForAnswer, errorForNetworkFailure, errorForSdkFailure } from './classifyFailure.ts';

const server = 'https://bleep.trust-a.nhs.uk';
// The gateway's refusals as it sends them (policy-module: rules/deviceEnrolment.ts, rules/enrolledSession.ts).
const enrolmentRefusal = {
  errcode: 'M_FORBIDDEN',
  error: 'not enrolled',
  'uk.nhs.bleep.rule': 'device-enrolment',
};
const revokedSession = {
  errcode: 'M_UNKNOWN_TOKEN',
  error: 'not enrolled',
  'uk.nhs.bleep.rule': 'device-enrolment',
};

/** A fetch failure as Node's fetch (undici) throws it: a TypeError whose cause holds the system error. */
function fetchFailure(code: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

describe('what a sign-in answer means', () => {
  it("reads Synapse's 403 M_FORBIDDEN (no Bleep rule) as a wrong password", () => {
    const error = errorForAnswer(server, { status: 403, body: { errcode: 'M_FORBIDDEN' } }, 'sign-in');
    expect(error).toBeInstanceOf(WrongPasswordError);
    expect(error.code).toBe('wrong-password');
  });

  it("reads the gateway's device-enrolment refusal as a desktop that is not enrolled", () => {
    const error = errorForAnswer(server, { status: 403, body: enrolmentRefusal }, 'sign-in');
    expect(error).toBeInstanceOf(DeviceNotEnrolledError);
    expect(error).toMatchObject({ detectedAt: 'sign-in' });
  });

  it('reads a deactivated account apart from a wrong password', () => {
    expect(
      errorForAnswer(server, { status: 403, body: { errcode: 'M_USER_DEACTIVATED' } }, 'sign-in'),
    ).toBeInstanceOf(AccountDeactivatedError);
  });

  it('reads 429 as rate-limited, with the wait from retry_after_ms or else Retry-After', () => {
    const fromBody = errorForAnswer(
      server,
      { status: 429, body: { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 4200 } },
      'sign-in',
    );
    expect(fromBody).toBeInstanceOf(RateLimitedError);
    expect(fromBody.toProblem()).toMatchObject({ code: 'rate-limited', retryAfterMs: 4200 });
    const fromHeader = errorForAnswer(server, { status: 429, body: undefined, retryAfter: '3' }, 'enrol');
    expect(fromHeader).toMatchObject({ retryAfterMs: 3000 });
    const unsaid = errorForAnswer(server, { status: 429, body: {} }, 'enrol');
    expect(unsaid).toMatchObject({ retryAfterMs: null });
    expect(unsaid.toProblem()).not.toHaveProperty('retryAfterMs');
  });

  it("reads the gateway's 502 (homeserver not answering) as server down", () => {
    const error = errorForAnswer(server, { status: 502, body: { errcode: 'M_UNKNOWN' } }, 'sign-in');
    expect(error).toBeInstanceOf(ServerDownError);
    expect(error).toMatchObject({ reason: 'homeserver-unavailable' });
  });
});

describe('what an enrolment answer means', () => {
  it('reads the device-enrolment refusal as a code that is not valid', () => {
    const error = errorForAnswer(server, { status: 403, body: enrolmentRefusal }, 'enrol');
    expect(error).toBeInstanceOf(EnrolmentRefusedError);
    expect(error).toMatchObject({ reason: 'code-not-valid' });
  });

  it('reads 400 M_INVALID_PARAM under the same rule as a device id that is not valid', () => {
    const error = errorForAnswer(
      server,
      { status: 400, body: { ...enrolmentRefusal, errcode: 'M_INVALID_PARAM' } },
      'enrol',
    );
    expect(error).toMatchObject({ reason: 'invalid-device-id' });
  });
});

describe('what an answer in a running session means', () => {
  it("reads the gateway's 401 under device-enrolment as a desktop revoked during the session", () => {
    const error = errorForAnswer(server, { status: 401, body: revokedSession }, 'session');
    expect(error).toBeInstanceOf(DeviceNotEnrolledError);
    expect(error).toMatchObject({ detectedAt: 'session' });
  });

  it("reads Synapse's own 401 M_UNKNOWN_TOKEN as a session ended elsewhere", () => {
    expect(
      errorForAnswer(server, { status: 401, body: { errcode: 'M_UNKNOWN_TOKEN' } }, 'session'),
    ).toBeInstanceOf(SessionEndedError);
    expect(
      errorForAnswer(
        server,
        { status: 401, body: { errcode: 'M_UNKNOWN_TOKEN', soft_logout: false } },
        'session',
      ),
    ).toBeInstanceOf(SessionEndedError);
  });

  it('reads a soft logout (401 M_UNKNOWN_TOKEN, soft_logout: true) as an expired session, not an ended one', () => {
    const error = errorForAnswer(
      server,
      { status: 401, body: { errcode: 'M_UNKNOWN_TOKEN', soft_logout: true } },
      'session',
    );
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect(error.toProblem()).toMatchObject({ code: 'session-expired' });
    // Only a real true: a string or a missing flag is no promise that the device is kept.
    expect(
      errorForAnswer(
        server,
        { status: 401, body: { errcode: 'M_UNKNOWN_TOKEN', soft_logout: 'true' } },
        'session',
      ),
    ).toBeInstanceOf(SessionEndedError);
  });

  it('keeps an answer nothing explains as unexpected, with its status and errcode', () => {
    const error = errorForAnswer(server, { status: 400, body: { errcode: 'M_BAD_JSON' } }, 'session');
    expect(error).toBeInstanceOf(UnexpectedAnswerError);
    expect(error.message).toContain('400 M_BAD_JSON');
  });
});

describe('what a policy answer means', () => {
  it('reads any refusal of /_bleep/policy as a server that is not a Bleep gateway', () => {
    const error = errorForAnswer(server, { status: 404, body: { errcode: 'M_UNRECOGNIZED' } }, 'policy');
    expect(error).toBeInstanceOf(UnknownServerError);
    expect(error).toMatchObject({ reason: 'not-a-bleep-server' });
  });
});

describe('what a failed request means', () => {
  it('reads a name that does not resolve as an unknown server', () => {
    const error = errorForNetworkFailure(server, fetchFailure('ENOTFOUND'));
    expect(error).toBeInstanceOf(UnknownServerError);
    expect(error).toMatchObject({ reason: 'name-not-found' });
  });

  it('reads a refused or reset connection as server down', () => {
    expect(errorForNetworkFailure(server, fetchFailure('ECONNREFUSED'))).toBeInstanceOf(ServerDownError);
    expect(errorForNetworkFailure(server, fetchFailure('ECONNRESET'))).toBeInstanceOf(ServerDownError);
    const aggregate = new TypeError('fetch failed', {
      cause: Object.assign(new AggregateError([fetchFailure('ECONNREFUSED').cause]), {
        code: 'ECONNREFUSED',
      }),
    });
    expect(errorForNetworkFailure(server, aggregate)).toBeInstanceOf(ServerDownError);
  });

  it('reads a timeout as server down, saying so', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(errorForNetworkFailure(server, timeout)).toMatchObject({ reason: 'timeout' });
  });
});

describe("matrix-js-sdk's errors", () => {
  it('reads a MatrixError by its status and body', () => {
    const error = new MatrixError(revokedSession, 401);
    expect(errorForSdkFailure(server, error, 'session')).toBeInstanceOf(DeviceNotEnrolledError);
  });

  it("reads the SDK's rate limit with its wait", () => {
    const error = new MatrixError({ errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 1500 }, 429);
    expect(errorForSdkFailure(server, error, 'session')).toMatchObject({
      code: 'rate-limited',
      retryAfterMs: 1500,
    });
  });

  it('reads a ConnectionError by its cause', () => {
    const error = new ConnectionError('fetch failed', fetchFailure('ECONNREFUSED'));
    expect(errorForSdkFailure(server, error, 'session')).toBeInstanceOf(ServerDownError);
  });

  it('rethrows a fault that is no answer at all, rather than calling it server down', () => {
    const bug = new RangeError('a bug');
    expect(() => errorForSdkFailure(server, bug, 'session')).toThrow(bug);
  });
});
