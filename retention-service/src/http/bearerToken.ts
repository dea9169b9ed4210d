// The bearer token /report asks for. Compared in constant time (both sides hashed to the same length first, so
// neither the token's bytes nor its length can be learned from how long a refusal takes); a refusal says why in a
// log line and a metric, and never echoes what was sent.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

export type BearerRefusal = 'missing' | 'wrong';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function requireBearerToken(
  token: string,
  onRefused: (reason: BearerRefusal) => void,
): RequestHandler {
  const expected = digest(token);
  return (request, response, next) => {
    const presented = /^Bearer +(\S+) *$/i.exec(request.get('authorization') ?? '')?.[1];
    const reason: BearerRefusal | undefined =
      presented === undefined
        ? 'missing'
        : timingSafeEqual(digest(presented), expected)
          ? undefined
          : 'wrong';
    if (reason === undefined) {
      next();
      return;
    }
    onRefused(reason);
    response
      .status(401)
      .set('www-authenticate', 'Bearer realm="bleep-retention"')
      .json({
        errcode: 'BLEEP_REPORT_UNAUTHORIZED',
        error:
          reason === 'missing'
            ? 'the report needs the bearer token the service was given (RETENTION_REPORT_TOKEN)'
            : 'that is not the bearer token the service was given (RETENTION_REPORT_TOKEN)',
      });
  };
}
