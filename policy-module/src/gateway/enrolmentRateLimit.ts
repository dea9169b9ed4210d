// Limits failed enrolment attempts per client address. A one-time code has 80 random bits and expires, so guessing
// is hopeless anyway; the limit keeps a flood of bad attempts (each one audited) from filling the audit trail.
// Enrolment is rare (trust IT, once per desktop), so a limit that a real desktop never meets costs nothing.
import type { IncomingMessage } from 'node:http';
import { ipKeyGenerator, rateLimit, type AugmentedRequest } from 'express-rate-limit';
import type { RequestHandler } from 'express';

export type EnrolmentRateLimitOptions = Readonly<{
  /** Failed attempts allowed per address in each window. */
  failures: number;
  windowMs: number;
}>;

export const defaultEnrolmentRateLimit: EnrolmentRateLimitOptions = { failures: 20, windowMs: 15 * 60_000 };

export function enrolmentRateLimit(
  clientAddress: (request: IncomingMessage) => string,
  onLimited: () => void,
  options: EnrolmentRateLimitOptions = defaultEnrolmentRateLimit,
): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.failures,
    // Only refusals count: a desktop that enrols is never held back by others' failures.
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
        error: 'Too many failed enrolment attempts from this address: wait, then try the code again.',
        retry_after_ms: Math.max(0, (resetTime?.getTime() ?? Date.now()) - Date.now()),
      });
    },
  });
}
