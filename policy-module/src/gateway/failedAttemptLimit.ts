// Limits failed attempts per client address at the gateway's own checks: enrolment codes and sign-ins from
// desktops that are not enrolled. Guessing is hopeless either way (codes have 80 random bits, credentials 256);
// the limit keeps a flood of bad attempts, each one audited, from filling the audit trail. Only failures count,
// so desktops that enrol or sign in properly are never held back. (Synapse limits password attempts itself.)
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type AugmentedRequest } from 'express-rate-limit';

export type FailedAttemptLimit = Readonly<{
  /** Failed attempts allowed per address in each window. */
  failures: number;
  windowMs: number;
}>;

export function failedAttemptLimit(
  /** What is being attempted, for the error: "enrolment" or "sign-in". */
  what: string,
  clientAddress: (request: IncomingMessage) => string,
  onLimited: () => void,
  /** From the gateway's configuration (GATEWAY_FAILED_ATTEMPTS_PER_WINDOW, default 20 per 15 minutes). */
  limit: FailedAttemptLimit,
): RequestHandler {
  return rateLimit({
    windowMs: limit.windowMs,
    limit: limit.failures,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // The address the gateway also gives Synapse: the connection's own, or one a trusted load balancer forwarded.
    keyGenerator: (request) => ipKeyGenerator(clientAddress(request)),
    handler: (request, response) => {
      onLimited();
      const resetTime = (request as Partial<AugmentedRequest>).rateLimit?.resetTime;
      response.status(429).json({
        errcode: 'M_LIMIT_EXCEEDED',
        error: `Too many failed ${what} attempts from this address: wait, then try again.`,
        retry_after_ms: Math.max(0, (resetTime?.getTime() ?? Date.now()) - Date.now()),
      });
    },
  });
}
