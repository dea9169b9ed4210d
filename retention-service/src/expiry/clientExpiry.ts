// Wires the client expiry check and its report from the service's parts: the policy's limits, the two databases,
// its own audit trail writer, and policy-module's signOutDevice with the service's admin token.
import { createAuditLog, signOutDevice, type TrustPolicy } from '@bleep/policy-module';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { RetentionConfig } from '../config/retentionConfig.ts';
import type { RetentionMetrics } from '../metrics/retentionMetrics.ts';
import { checkClientExpiry, type ClientExpiryDeps, type ClientExpirySummary } from './checkClientExpiry.ts';
import { readClientExpiryReport, type ClientExpiryReport } from './clientExpiryReport.ts';

export type ClientExpiry = Readonly<{
  /** One check, under the run's lock, with the run's retries. */
  check: (runId: number, withRetries: ClientExpiryDeps['withRetries']) => Promise<ClientExpirySummary>;
  report: () => Promise<ClientExpiryReport>;
}>;

export function createClientExpiry(
  deps: Readonly<{
    config: Pick<
      RetentionConfig,
      'SYNAPSE_ADMIN_URL' | 'SYNAPSE_ADMIN_TOKEN' | 'SYNAPSE_REQUEST_TIMEOUT_SECONDS'
    >;
    policy: TrustPolicy;
    synapseDb: Pool;
    bleepDb: Pool;
    metrics: RetentionMetrics;
    log: Logger;
    clock: () => Date;
  }>,
): ClientExpiry {
  const { config, policy, synapseDb, bleepDb, clock } = deps;
  const admin = {
    synapseAdminUrl: config.SYNAPSE_ADMIN_URL,
    adminToken: config.SYNAPSE_ADMIN_TOKEN,
    fetch,
    timeoutMs: config.SYNAPSE_REQUEST_TIMEOUT_SECONDS * 1000,
  };
  const audit = createAuditLog({ pool: bleepDb, clock });
  return {
    check: (runId, withRetries) =>
      checkClientExpiry(
        {
          synapseDb,
          bleepDb,
          limits: policy.retention,
          signOut: (deviceId, userIds) => signOutDevice(admin, deviceId, userIds),
          audit,
          metrics: deps.metrics,
          log: deps.log,
          clock,
          withRetries,
        },
        runId,
      ),
    report: () => readClientExpiryReport({ synapseDb, bleepDb, limits: policy.retention, clock }),
  };
}
