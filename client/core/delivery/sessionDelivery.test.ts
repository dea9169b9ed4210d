import { ConnectionError, MatrixError } from 'matrix-js-sdk';
import { describe, expect, it } from 'vitest';
import { attemptFailure } from './sessionDelivery.ts';

const server = 'https://bleep.trust-a.nhs.uk';

describe('what a failed attempt at a message means', () => {
  it('repeats it while the server is down or asks for a pause, as long as it asks', () => {
    expect(attemptFailure(server, new ConnectionError('fetch failed'))).toEqual({
      retry: true,
      problem: 'server-down',
    });
    const limited = new MatrixError(
      { errcode: 'M_LIMIT_EXCEEDED', error: 'slow down', retry_after_ms: 4000 },
      429,
    );
    expect(attemptFailure(server, limited)).toEqual({
      retry: true,
      problem: 'rate-limited',
      retryAfterMs: 4000,
    });
  });

  it('keeps it queued when the session has expired, to be sent once the clinician signs in again', () => {
    const expired = new MatrixError(
      { errcode: 'M_UNKNOWN_TOKEN', error: 'The session has expired', soft_logout: true },
      401,
    );
    expect(attemptFailure(server, expired)).toEqual({ retry: true, problem: 'session-expired' });
  });

  it('gives up on a message the server refused, and says so', () => {
    const refused = new MatrixError({ errcode: 'M_FORBIDDEN', error: 'not in the room' }, 403);
    expect(attemptFailure(server, refused)).toMatchObject({ retry: false });
  });

  it('repeats it after a failure on this desktop rather than the server (nothing was refused)', () => {
    expect(attemptFailure(server, new Error('Cannot encrypt event in unconfigured room'))).toEqual({
      retry: true,
      problem: 'unexpected-answer',
    });
  });
});
