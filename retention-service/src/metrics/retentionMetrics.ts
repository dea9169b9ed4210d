// The retention service's Prometheus metrics: one registry, served on the internal port with /healthz and
// /report. They say what runs did, what the proof found and how many legal holds are in force; no label names a
// room, a user or content.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type RetentionMetrics = ReturnType<typeof createRetentionMetrics>;

/** Active legal holds by kind, and the rooms they keep, as Bleep's database says now. */
export type HoldCounts = Readonly<{ room: number; user: number; roomsHeld: number }>;

export type RetentionMetricsOptions = Readonly<{
  /** Read at every scrape, so a hold placed from the command line shows at once, not at the next run. */
  holdCounts?: () => Promise<HoldCounts>;
}>;

export function createRetentionMetrics(options: RetentionMetricsOptions = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'bleep_retention_' });
  const registers = [registry];
  const failures = new Counter({
    name: 'bleep_retention_failures_total',
    help: 'Run steps that failed, by step',
    labelNames: ['step'],
    registers,
  });
  let holdCounts: Promise<HoldCounts | undefined> | undefined;
  /** One read of Bleep's database per scrape for both gauges; a failed read keeps the last values and is counted. */
  function readHoldCounts(): Promise<HoldCounts | undefined> {
    if (!options.holdCounts) return Promise.resolve(undefined);
    holdCounts ??= options.holdCounts().then(
      (counts) => counts,
      () => {
        failures.inc({ step: 'legal-hold-metrics' });
        return undefined;
      },
    );
    const reading = holdCounts;
    void reading.finally(() => {
      if (holdCounts === reading) holdCounts = undefined;
    });
    return reading;
  }
  const legalHolds = new Gauge({
    name: 'bleep_retention_legal_holds_active',
    help: 'Legal holds in force, by what they hold (room, user)',
    labelNames: ['kind'],
    registers,
    async collect() {
      const counts = await readHoldCounts();
      if (!counts) return;
      this.set({ kind: 'room' }, counts.room);
      this.set({ kind: 'user' }, counts.user);
    },
  });
  const roomsHeld = new Gauge({
    name: 'bleep_retention_rooms_held',
    help: 'Rooms legal holds keep from the purge (a held user holds every room they are or were in)',
    registers,
    async collect() {
      const counts = await readHoldCounts();
      if (counts) this.set(counts.roomsHeld);
    },
  });
  return {
    registry,
    legalHolds,
    roomsHeld,
    runs: new Counter({
      name: 'bleep_retention_runs_total',
      help: 'Retention runs by trigger and status (complete, failed, skipped)',
      labelNames: ['trigger', 'status'],
      registers,
    }),
    runDuration: new Histogram({
      name: 'bleep_retention_run_duration_seconds',
      help: 'How long a run (purge and proof) took',
      labelNames: ['trigger'],
      buckets: [1, 5, 15, 60, 180, 600, 1800, 3600],
      registers,
    }),
    runInProgress: new Gauge({
      name: 'bleep_retention_run_in_progress',
      help: '1 while this process runs a purge',
      registers,
    }),
    lastRunFinished: new Gauge({
      name: 'bleep_retention_last_run_finished_timestamp_seconds',
      help: 'When the last run this process made finished, by status',
      labelNames: ['status'],
      registers,
    }),
    consecutiveFailedRuns: new Gauge({
      name: 'bleep_retention_consecutive_failed_runs',
      help: 'Runs in a row that failed (0 after a complete one); the scheduler retries sooner meanwhile',
      registers,
    }),
    purged: new Counter({
      name: 'bleep_retention_purged_total',
      help: 'What runs removed, by kind (events, redactions, searchRows, toDevice, ..., localMedia, remoteMedia)',
      labelNames: ['kind'],
      registers,
    }),
    failures,
    retries: new Counter({
      name: 'bleep_retention_dependency_retries_total',
      help: 'Calls tried again because a dependency (synapse, synapse-db, bleep-db) was down or busy',
      labelNames: ['dependency'],
      registers,
    }),
    dependencyUp: new Gauge({
      name: 'bleep_retention_dependency_up',
      help: '1 when the last call to the dependency succeeded, 0 when it failed after its retries',
      labelNames: ['dependency'],
      registers,
    }),
    findings: new Gauge({
      name: 'bleep_retention_findings',
      help: 'Items the last proof found held past the horizon, by kind (any above 0 is an alert)',
      labelNames: ['kind'],
      registers,
    }),
    findingsTotal: new Counter({
      name: 'bleep_retention_findings_total',
      help: 'Findings recorded by proofs, by kind',
      labelNames: ['kind'],
      registers,
    }),
    proofClean: new Gauge({
      name: 'bleep_retention_last_proof_clean',
      help: '1 when the last proof ran and found nothing, 0 otherwise',
      registers,
    }),
    oldestContentAge: new Gauge({
      name: 'bleep_retention_oldest_content_age_seconds',
      help: 'Age of the oldest content held, at the last proof, by where (event, search, media); 0 when none',
      labelNames: ['where'],
      registers,
    }),
    expirySessions: new Gauge({
      name: 'bleep_retention_expiry_sessions',
      help: 'Sessions at the last client expiry check: all Synapse holds, on enrolled desktops, and overdue (warned, in their grace)',
      labelNames: ['state'],
      registers,
    }),
    expiryWarnings: new Counter({
      name: 'bleep_retention_expiry_warnings_total',
      help: 'Desktops warned for an overdue expiry report (once per missed deadline)',
      registers,
    }),
    synapseAdminToken: new Gauge({
      name: 'bleep_retention_synapse_admin_token_valid',
      help:
        "1 when Synapse took the service's admin token at the last run, 0 when it refused it (revoked, expired or " +
        'no longer an admin): nothing is purged until trust IT mints a new one (an alert)',
      registers,
    }),
    reportRefusals: new Counter({
      name: 'bleep_retention_report_refusals_total',
      help: 'Requests for /report refused for want of the right bearer token, by reason (missing, wrong)',
      labelNames: ['reason'],
      registers,
    }),
    expirySignOuts: new Counter({
      name: 'bleep_retention_expiry_sign_outs_total',
      help: 'Devices signed out by the client expiry check, by reason (over-age, overdue, not-seen) and outcome',
      labelNames: ['reason', 'outcome'],
      registers,
    }),
  };
}
