// The compliance report an information-governance officer reads (GET /report): the trust's window, the last
// run's purge counts, findings and failures, the recent runs and the legal holds in force, from what Bleep's
// database recorded. Room ids, counts and the officers' own words for holds; never message content.
import type { TrustPolicy } from '@bleep/policy-module';
import type { LegalHold } from '../hold/legalHoldStore.ts';
import type { Finding } from '../proof/finding.ts';
import type { ClientExpiryReport } from '../expiry/clientExpiryReport.ts';
import type { RunFailure, RunRecord, RunStore } from '../run/runStore.ts';
import type { SchedulerState } from '../schedule/scheduler.ts';

export type ReportRun = Readonly<
  Omit<RunRecord, 'startedAt' | 'finishedAt' | 'cutoff' | 'proofHorizon'> & {
    startedAt: string;
    finishedAt: string | null;
    cutoff: string;
    proofHorizon: string;
  }
>;

export type ComplianceReport = Readonly<{
  trust: string;
  generatedAt: string;
  windowHours: number;
  intervalSeconds: number;
  /** clean: the last finished run's proof found nothing; findings: it found something; failing: it failed. */
  status: 'clean' | 'findings' | 'failing' | 'no-run-yet';
  scheduler: Readonly<{ nextRunAt: string | null; consecutiveFailedRuns: number }>;
  lastRun:
    | (ReportRun &
        Readonly<{
          findings: readonly (Omit<Finding, 'oldest'> & { oldest: string | null })[];
          failures: readonly RunFailure[];
        }>)
    | null;
  recentRuns: readonly ReportRun[];
  /** Each enrolled desktop's last expiry report and state, and the recent warnings and sign-outs. */
  clientExpiry: ClientExpiryReport | null;
  /** Legal holds in force: the purge keeps the rooms they cover until each is released. */
  legalHolds: Readonly<{ active: number; roomsHeld: number; holds: readonly ReportHold[] }>;
}>;

export type ReportHold = Readonly<
  Omit<LegalHold, 'placedAt' | 'releasedAt'> & { placedAt: string; releasedAt: string | null }
>;

export function reportHold(hold: LegalHold): ReportHold {
  return {
    ...hold,
    placedAt: hold.placedAt.toISOString(),
    releasedAt: hold.releasedAt?.toISOString() ?? null,
  };
}

export type ReportDeps = Readonly<{
  store: RunStore;
  policy: TrustPolicy;
  intervalSeconds: number;
  schedulerState: () => SchedulerState;
  clientExpiry?: () => Promise<ClientExpiryReport>;
  /** The legal holds in force now. */
  activeHolds: () => Promise<readonly LegalHold[]>;
  clock: () => Date;
}>;

function reportRun(run: RunRecord): ReportRun {
  return {
    ...run,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    cutoff: run.cutoff.toISOString(),
    proofHorizon: run.proofHorizon.toISOString(),
  };
}

function statusOf(run: RunRecord | undefined): ComplianceReport['status'] {
  if (!run) return 'no-run-yet';
  if (run.status !== 'complete' || !run.proofRan) return 'failing';
  return run.findingCount > 0 ? 'findings' : 'clean';
}

export async function complianceReport(deps: ReportDeps, recent = 20): Promise<ComplianceReport> {
  const runs = await deps.store.recentRuns(recent);
  const last = runs.find((run) => run.status !== 'running');
  const scheduler = deps.schedulerState();
  const holds = await deps.activeHolds();
  return {
    trust: deps.policy.trust.serverName,
    generatedAt: deps.clock().toISOString(),
    windowHours: deps.policy.retention.serverHours,
    intervalSeconds: deps.intervalSeconds,
    status: statusOf(last),
    scheduler: {
      nextRunAt: scheduler.nextRunAt?.toISOString() ?? null,
      consecutiveFailedRuns: scheduler.consecutiveFailures,
    },
    lastRun: last
      ? {
          ...reportRun(last),
          findings: (await deps.store.findingsOf(last.id)).map((finding) => ({
            ...finding,
            oldest: finding.oldest?.toISOString() ?? null,
          })),
          failures: await deps.store.failuresOf(last.id),
        }
      : null,
    recentRuns: runs.map(reportRun),
    clientExpiry: deps.clientExpiry ? await deps.clientExpiry() : null,
    legalHolds: {
      active: holds.length,
      roomsHeld: new Set(holds.flatMap((hold) => hold.rooms)).size,
      holds: holds.map(reportHold),
    },
  };
}
