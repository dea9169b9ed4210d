// Builds the retention service's parts from its configuration: the three database pools (each as its own role),
// the Synapse admin client, the audit trail, the metrics and the runner. Shared by the long-running service
// (main.ts) and the one-shot command (bleep-retention run), so both purge and prove the same way.
import { createAuditLog, loadPolicy, type TrustPolicy } from '@bleep/policy-module';
import pg from 'pg';
import type { Logger } from 'pino';
import type { RetentionConfig } from './config/retentionConfig.ts';
import { requireRetentionTables } from './database/retentionSchema.ts';
import { createLegalHolds, type LegalHolds } from './hold/legalHolds.ts';
import { createLegalHoldStore, type LegalHoldStore } from './hold/legalHoldStore.ts';
import { createRetentionMetrics, type RetentionMetrics } from './metrics/retentionMetrics.ts';
import { createClientExpiry } from './expiry/clientExpiry.ts';
import type { ClientExpiryReport } from './expiry/clientExpiryReport.ts';
import { createRetentionRunner, type RetentionRunner } from './run/retentionRun.ts';
import { createRunStore, type RunStore } from './run/runStore.ts';
import { createSynapseAdmin } from './synapse/synapseAdmin.ts';

export type RetentionServices = Readonly<{
  policy: TrustPolicy;
  metrics: RetentionMetrics;
  runner: RetentionRunner;
  store: RunStore;
  holds: LegalHolds;
  holdStore: LegalHoldStore;
  /** Bleep's database as the service's role (the report's period queries). */
  bleepDb: pg.Pool;
  /** The compliance report's client expiry part. */
  clientExpiryReport: () => Promise<ClientExpiryReport>;
  close: () => Promise<void>;
}>;

function pool(url: string, max: number, log: Logger, name: string): pg.Pool {
  const created = new pg.Pool({ connectionString: url, max });
  // A dropped idle connection must not crash the service; the query in flight reports it and is retried.
  created.on('error', (error) => {
    log.warn({ database: name, err: { message: error.message } }, 'database connection error');
  });
  return created;
}

export async function createRetentionServices(
  config: RetentionConfig,
  log: Logger,
  clock: () => Date = () => new Date(),
): Promise<RetentionServices> {
  const policy = await loadPolicy(config.BLEEP_POLICY_PATH);
  const synapseDb = pool(config.SYNAPSE_DATABASE_URL, config.RETENTION_ROOM_CONCURRENCY + 2, log, 'synapse');
  const proofDb = pool(config.SYNAPSE_PROOF_DATABASE_URL, 2, log, 'synapse-proof');
  // One connection holds the run lock for a whole run and one the legal-hold gate for each room being purged (they
  // wait on the others, so fewer could leave every connection waiting); the others record it.
  const bleepDb = pool(config.BLEEP_DATABASE_URL, config.RETENTION_ROOM_CONCURRENCY + 3, log, 'bleep');
  const close = async (): Promise<void> => {
    await Promise.allSettled([synapseDb.end(), proofDb.end(), bleepDb.end()]);
  };
  try {
    await requireRetentionTables(bleepDb);
  } catch (error) {
    await close();
    throw error;
  }
  const holdStore = createLegalHoldStore(bleepDb);
  const metrics = createRetentionMetrics({ holdCounts: () => holdStore.counts() });
  const store = createRunStore(bleepDb, clock);
  const audit = createAuditLog({ pool: bleepDb, clock });
  const holds = createLegalHolds({
    store: holdStore,
    synapseDb,
    audit,
    clock,
    log: log.child({ module: 'legal-hold' }),
  });
  const clientExpiry = createClientExpiry({
    config,
    policy,
    synapseDb,
    bleepDb,
    metrics,
    log: log.child({ module: 'client-expiry' }),
    clock,
  });
  const runner = createRetentionRunner({
    policy,
    synapseDb,
    proofDb,
    bleepDb,
    admin: createSynapseAdmin({
      baseUrl: config.SYNAPSE_ADMIN_URL,
      adminToken: config.SYNAPSE_ADMIN_TOKEN,
      fetch,
      timeoutMs: config.SYNAPSE_REQUEST_TIMEOUT_SECONDS * 1000,
    }),
    audit,
    holds,
    metrics,
    log: log.child({ module: 'run' }),
    clientExpiry: clientExpiry.check,
    clock,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    mediaStorePath: config.SYNAPSE_MEDIA_STORE_PATH,
    settings: {
      intervalSeconds: config.RETENTION_INTERVAL_SECONDS,
      roomConcurrency: config.RETENTION_ROOM_CONCURRENCY,
      spreadSeconds: config.RETENTION_SPREAD_SECONDS,
      retryAttempts: config.RETENTION_RETRY_ATTEMPTS,
      retryBaseMs: config.RETENTION_RETRY_BASE_MS,
      purgeTimeoutMs: config.RETENTION_PURGE_TIMEOUT_SECONDS * 1000,
      purgePollMs: 500,
      lockWaitMs: 30 * 60_000,
    },
  });
  return {
    policy,
    metrics,
    runner,
    store,
    clientExpiryReport: clientExpiry.report,
    holds,
    holdStore,
    bleepDb,
    close,
  };
}
