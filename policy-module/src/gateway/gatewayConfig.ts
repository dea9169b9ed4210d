// The gateway's configuration, read once from the environment at start. A bad value stops the start with a
// message naming the variable.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

export const gatewayConfigSchema = z.object({
  BLEEP_POLICY_PATH: z.string().min(1),
  SYNAPSE_URL: z.url(),
  SYNAPSE_FEDERATION_URL: z.url(),
  BLEEP_DATABASE_URL: z.string().min(1),
  TRUST_DIRECTORY_PATH: z.string().min(1),
  TRUST_DIRECTORY_PUBLIC_KEY_PATH: z.string().min(1),
  // 32 random bytes as base64 (openssl rand -base64 32), readable by the gateway only: it seals the clinicians'
  // cross-signing keys kept in Bleep's database (identity/identitySealing.ts). Losing it means resetting every
  // clinician's identity; keep it with the trust's other key material, not with the database's backups.
  IDENTITY_SEALING_KEY_PATH: z.string().min(1),
  GATEWAY_BIND_ADDRESS: z.string().default('127.0.0.1'),
  GATEWAY_CLIENT_PORT: port.default(8008),
  GATEWAY_FEDERATION_PORT: port.default(8448),
  /** Serve the client API over TLS too (production: clients on 443); off where a load balancer or loopback fronts it. */
  GATEWAY_CLIENT_TLS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /**
   * The trust's own load balancers in front of the gateway (addresses or CIDRs, comma-separated), whose
   * X-Forwarded-For the gateway believes. Empty: the gateway is the edge and believes only the connection.
   */
  GATEWAY_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    ),
  /** Failed enrolments or refused sign-ins allowed per client address in each window (see failedAttemptLimit.ts). */
  GATEWAY_FAILED_ATTEMPTS_PER_WINDOW: z.coerce.number().int().positive().default(20),
  GATEWAY_FAILED_ATTEMPT_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  TLS_CERT_PATH: z.string().min(1),
  TLS_KEY_PATH: z.string().min(1),
  /** Prometheus metrics, on an internal address only. */
  GATEWAY_METRICS_BIND_ADDRESS: z.string().default('127.0.0.1'),
  GATEWAY_METRICS_PORT: port.default(9100),
  MAX_JSON_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type GatewayConfig = Readonly<z.infer<typeof gatewayConfigSchema>>;

export class GatewayConfigError extends Error {
  override readonly name = 'GatewayConfigError';
}

export function parseGatewayConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const result = gatewayConfigSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new GatewayConfigError(`invalid gateway configuration:\n  ${problems.join('\n  ')}`);
  }
  return Object.freeze(result.data);
}
