// What a run appends to the hash-chained audit trail: one entry for the run, one per finding (an alert), one per
// failure, and one per room where the service acted as a member (a redaction in that member's name). Counts,
// codes and room ids only: never content.
import type { AuditEntry } from '@bleep/policy-module';
import type { Finding } from '../proof/finding.ts';
import type { RoomOutcome } from '../purge/purgeRoom.ts';
import type { PurgedCounts, RunFailure } from './runStore.ts';
import type { RunWindow } from './runWindow.ts';

export const retentionActor = 'bleep-retention';

export type AuditedRun = Readonly<{
  runId: number;
  trigger: string;
  window: RunWindow;
  purged: PurgedCounts;
  rooms: readonly RoomOutcome[];
  failures: readonly RunFailure[];
  findings: readonly Finding[];
  proofRan: boolean;
}>;

function entry(
  action: string,
  result: string,
  room: string | null,
  detail: AuditEntry['detail'],
): AuditEntry {
  return { actor: retentionActor, device: null, action, room, result, ...(detail ? { detail } : {}) };
}

export function runResult(run: Pick<AuditedRun, 'failures' | 'findings' | 'proofRan'>): string {
  if (run.failures.length > 0 || !run.proofRan) return 'failed';
  return run.findings.length > 0 ? 'findings' : 'clean';
}

export function auditEntriesFor(run: AuditedRun): AuditEntry[] {
  const entries: AuditEntry[] = [
    entry('retention.run', runResult(run), null, {
      runId: run.runId,
      trigger: run.trigger,
      windowSeconds: run.window.windowSeconds,
      windowSource: run.window.windowSource,
      cutoff: run.window.cutoff.toISOString(),
      proofHorizon: run.window.proofHorizon.toISOString(),
      ...run.purged,
      rooms: run.rooms.length,
      roomsHeld: run.rooms.filter((room) => room.outcome === 'held').length,
      findings: run.findings.length,
      failures: run.failures.length,
    }),
  ];
  for (const room of run.rooms) {
    if (room.redactionsSent > 0) {
      entries.push(
        entry('retention.erase', 'redacted', room.roomId, {
          runId: run.runId,
          redactions: room.redactionsSent,
          eventsPurged: room.eventsPurged,
        }),
      );
    }
  }
  for (const finding of run.findings) {
    entries.push(
      entry('retention.finding', 'alert', finding.roomId, {
        runId: run.runId,
        kind: finding.kind,
        count: finding.count,
        oldest: finding.oldest?.toISOString() ?? null,
      }),
    );
  }
  for (const failure of run.failures) {
    entries.push(
      entry('retention.failure', 'error', failure.roomId, {
        runId: run.runId,
        step: failure.step,
        code: failure.code,
      }),
    );
  }
  return entries;
}

export function interruptedRunEntry(runId: number): AuditEntry {
  return entry('retention.run', 'interrupted', null, { runId });
}
