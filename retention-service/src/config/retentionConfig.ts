// The retention service's configuration, read once from the environment at start and frozen. A bad or missing
// value stops the start with a message naming the variable. The retention window itself is not here: it is the
// policy's retention.serverHours, read through policy-module, so nobody can configure a longer one beside it.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const seconds = z.coerce.number().int().positive();
const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');

export const retentionConfigSchema = z
  .object({
    BLEEP_POLICY_PATH: z.string().min(1),
    /** Synapse's internal listener with the admin API (never the gateway's public address). */
    SYNAPSE_ADMIN_URL: z.url({ protocol: /^https?$/ }),
    /** An admin token only this service holds. */
    SYNAPSE_ADMIN_TOKEN: z.string().min(1),
    /** Synapse's database as the service's own role: it reads what to purge and deletes only what has no admin API. */
    SYNAPSE_DATABASE_URL: z.string().min(1),
    /** Synapse's database as the proof's read-only role: SELECT on the tables it checks, nothing else. */
    SYNAPSE_PROOF_DATABASE_URL: z.string().min(1),
    /** Bleep's own database as the service's role: runs, findings, stream marks and the audit trail. */
    BLEEP_DATABASE_URL: z.string().min(1),
    /** Synapse's media_store_path as this process sees it, read (never written) by the proof. */
    SYNAPSE_MEDIA_STORE_PATH: z.string().min(1),
    /** /healthz, /metrics and /report: an internal address only. */
    RETENTION_BIND_ADDRESS: z.string().default('127.0.0.1'),
    /**
     * The bearer token /report asks for: the compliance report names rooms, holds and devices, and an internal
     * network is not a reason to hand it to whatever runs there. Random (openssl rand -hex 32); never logged.
     */
    RETENTION_REPORT_TOKEN: z
      .string()
      .min(32, 'must be at least 32 characters: make it with openssl rand -hex 32')
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (it travels in an HTTP header)'),
    RETENTION_PORT: port.default(8080),
    /** How often a run starts; the proof allows content this much past the window. */
    RETENTION_INTERVAL_SECONDS: seconds.min(10).default(600),
    /** Rooms purged at once. Each purge is a transaction on Synapse's main process, so keep it small. */
    RETENTION_ROOM_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
    /** A scheduled run starts its rooms spread over this long, never all at once. */
    RETENTION_SPREAD_SECONDS: z.coerce.number().int().min(0).default(300),
    /** How often the to-device stream position is recorded (device_inbox has no timestamp of its own). */
    RETENTION_STREAM_MARK_SECONDS: seconds.default(60),
    /** A Synapse admin call or database step is tried this many times, with backoff, before it counts as failed. */
    RETENTION_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
    RETENTION_RETRY_BASE_MS: z.coerce.number().int().positive().default(1000),
    SYNAPSE_REQUEST_TIMEOUT_SECONDS: seconds.default(30),
    /** How long one room's history purge may run in Synapse before the run stops waiting for it. */
    RETENTION_PURGE_TIMEOUT_SECONDS: seconds.default(900),
    /**
     * Test-only, set by the local runner: lets `bleep-retention run --older-than` replace the policy's window for one
     * run. Never set in production, where the policy's hours are the only window.
     */
    RETENTION_ALLOW_WINDOW_OVERRIDE: flag,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((config) => config.RETENTION_SPREAD_SECONDS < config.RETENTION_INTERVAL_SECONDS, {
    path: ['RETENTION_SPREAD_SECONDS'],
    message:
      'must be shorter than RETENTION_INTERVAL_SECONDS, or a run would still be starting rooms at the next',
  });

export type RetentionConfig = Readonly<z.infer<typeof retentionConfigSchema>>;

export class RetentionConfigError extends Error {
  override readonly name = 'RetentionConfigError';
  readonly code = 'RETENTION_CONFIG';
}

export function parseRetentionConfig(env: Readonly<Record<string, string | undefined>>): RetentionConfig {
  const result = retentionConfigSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new RetentionConfigError(`invalid retention service configuration:\n  ${problems.join('\n  ')}`);
  }
  return Object.freeze(result.data);
}
