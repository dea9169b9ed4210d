// The report an information-governance officer asks for over a period (`bleep-retention report --from --to`): the
// runs started in it with their totals, the legal holds in force at any time in it, and the rooms purged on request
// in it. What Bleep's database recorded; never message content.
import type { TrustPolicy } from '@bleep/policy-module';
import type { LegalHoldStore } from '../hold/legalHoldStore.ts';
import { reportHold, type ReportHold } from '../http/complianceReport.ts';
import { roomPurgesIn, type RoomPurgeRecord } from '../purge/roomPurgeStore.ts';
import { noPurges, type PurgedCounts, type RunRecord, type RunStore } from '../run/runStore.ts';
import type { Pool } from 'pg';
import type { ReportPeriod } from './reportPeriod.ts';

export type PeriodRun = Readonly<
  Omit<RunRecord, 'startedAt' | 'finishedAt' | 'cutoff' | 'proofHorizon'> & {
    startedAt: string;
    finishedAt: string | null;
    cutoff: string;
    proofHorizon: string;
  }
>;

export type PeriodRoomPurge = Readonly<
  Omit<RoomPurgeRecord, 'at' | 'cutoff'> & { at: string; cutoff: string }
>;

export type PeriodReport = Readonly<{
  trust: string;
  from: string;
  to: string;
  generatedAt: string;
  windowHours: number;
  totals: Readonly<{
    runs: number;
    clean: number;
    withFindings: number;
    failed: number;
    interrupted: number;
    purged: PurgedCounts;
  }>;
  runs: readonly PeriodRun[];
  legalHolds: readonly ReportHold[];
  roomPurges: readonly PeriodRoomPurge[];
}>;

export type PeriodReportDeps = Readonly<{
  store: RunStore;
  holdStore: LegalHoldStore;
  bleepDb: Pool;
  policy: TrustPolicy;
  clock: () => Date;
}>;

function periodRun(run: RunRecord): PeriodRun {
  return {
    ...run,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    cutoff: run.cutoff.toISOString(),
    proofHorizon: run.proofHorizon.toISOString(),
  };
}

function sum(runs: readonly RunRecord[]): PurgedCounts {
  const total: Record<keyof PurgedCounts, number> = { ...noPurges };
  for (const run of runs) {
    for (const key of Object.keys(total) as (keyof PurgedCounts)[]) total[key] += run.purged[key];
  }
  return total;
}

export async function periodReport(deps: PeriodReportDeps, period: ReportPeriod): Promise<PeriodReport> {
  const runs = await deps.store.runsIn(period);
  const holds = await deps.holdStore.inPeriod(period);
  const purges = await roomPurgesIn(deps.bleepDb, period);
  const finished = runs.filter((run) => run.status === 'complete' && run.proofRan);
  return {
    trust: deps.policy.trust.serverName,
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    generatedAt: deps.clock().toISOString(),
    windowHours: deps.policy.retention.serverHours,
    totals: {
      runs: runs.length,
      clean: finished.filter((run) => run.findingCount === 0).length,
      withFindings: finished.filter((run) => run.findingCount > 0).length,
      failed: runs.filter((run) => run.status === 'failed' || (run.status === 'complete' && !run.proofRan))
        .length,
      interrupted: runs.filter((run) => run.status === 'interrupted').length,
      purged: sum(runs),
    },
    runs: runs.map(periodRun),
    legalHolds: holds.map(reportHold),
    roomPurges: purges.map((purge) => ({
      ...purge,
      at: purge.at.toISOString(),
      cutoff: purge.cutoff.toISOString(),
    })),
  };
}
