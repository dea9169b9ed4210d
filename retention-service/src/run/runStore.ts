// The record of runs in Bleep's database: each run's window, what it purged, its rooms, its failures and its
// proof's findings. It is what the report reads, and it outlives the process: a run killed halfway stays
// 'running' until the next run (holding the lock) closes it as 'interrupted'.
import { inTransaction } from '@bleep/policy-module';
import type { Pool } from 'pg';
import type { Finding, FindingKind } from '../proof/finding.ts';
import type { RoomOutcome } from '../purge/purgeRoom.ts';
import type { RunWindow } from './runWindow.ts';

export type RunTrigger = 'schedule' | 'manual';
export type RunStatus = 'running' | 'complete' | 'failed' | 'interrupted';

/** What a run removed, by kind; counted by what Synapse confirmed (rows deleted, purges completed). */
export type PurgedCounts = Readonly<{
  events: number;
  redactions: number;
  searchRows: number;
  toDevice: number;
  federationOutbox: number;
  federationStaging: number;
  localMedia: number;
  remoteMedia: number;
}>;

export const noPurges: PurgedCounts = {
  events: 0,
  redactions: 0,
  searchRows: 0,
  toDevice: 0,
  federationOutbox: 0,
  federationStaging: 0,
  localMedia: 0,
  remoteMedia: 0,
};

export type RunFailure = Readonly<{ step: string; roomId: string | null; code: string; message: string }>;

export type RunRecord = Readonly<{
  id: number;
  trigger: RunTrigger;
  startedAt: Date;
  finishedAt: Date | null;
  windowSeconds: number;
  windowSource: 'policy' | 'override';
  cutoff: Date;
  proofHorizon: Date;
  status: RunStatus;
  purged: PurgedCounts;
  proofRan: boolean;
  findingCount: number;
  failureCount: number;
}>;

type RunRow = {
  id: string;
  trigger: RunTrigger;
  started_at: Date;
  finished_at: Date | null;
  window_seconds: string;
  window_source: 'policy' | 'override';
  cutoff: Date;
  proof_horizon: Date;
  status: RunStatus;
  purged: Partial<PurgedCounts>;
  proof_ran: boolean;
  finding_count: number;
  failure_count: number;
};

function runRecord(row: RunRow): RunRecord {
  return {
    id: Number(row.id),
    trigger: row.trigger,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    windowSeconds: Number(row.window_seconds),
    windowSource: row.window_source,
    cutoff: row.cutoff,
    proofHorizon: row.proof_horizon,
    status: row.status,
    purged: { ...noPurges, ...row.purged },
    proofRan: row.proof_ran,
    findingCount: row.finding_count,
    failureCount: row.failure_count,
  };
}

export type RunStore = ReturnType<typeof createRunStore>;

export function createRunStore(pool: Pool, clock: () => Date) {
  return {
    /** Closes runs left 'running' by a process that died; call only while holding the run lock. */
    async closeInterrupted(): Promise<number[]> {
      const { rows } = await pool.query<{ id: string }>(
        `UPDATE bleep_retention_run SET status = 'interrupted', finished_at = $1
         WHERE status = 'running' RETURNING id`,
        [clock()],
      );
      return rows.map((row) => Number(row.id));
    },

    async start(trigger: RunTrigger, window: RunWindow): Promise<number> {
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO bleep_retention_run
           (trigger, started_at, window_seconds, window_source, cutoff, proof_horizon, status)
         VALUES ($1, $2, $3, $4, $5, $6, 'running') RETURNING id`,
        [
          trigger,
          window.startedAt,
          window.windowSeconds,
          window.windowSource,
          window.cutoff,
          window.proofHorizon,
        ],
      );
      return Number(rows[0]?.id);
    },

    /**
     * Closes a run with everything it did, in one transaction: a retry after a dropped connection writes it whole,
     * never half or twice. Only rooms where something happened (or failed) are kept.
     */
    async finish(
      runId: number,
      result: Readonly<{
        status: 'complete' | 'failed';
        purged: PurgedCounts;
        proofRan: boolean;
        rooms: readonly RoomOutcome[];
        failures: readonly RunFailure[];
        findings: readonly Finding[];
      }>,
    ): Promise<void> {
      await inTransaction(pool, async (client) => {
        for (const room of result.rooms) {
          if (room.outcome === 'nothing-old') continue;
          await client.query(
            `INSERT INTO bleep_retention_room (run_id, room_id, outcome, events_purged, redactions_sent, note)
             VALUES ($1, $2, $3, $4, $5, $6)`,
            [
              runId,
              room.roomId,
              room.outcome,
              room.eventsPurged,
              room.redactionsSent,
              room.failure?.code ?? null,
            ],
          );
        }
        for (const failure of result.failures) {
          await client.query(
            `INSERT INTO bleep_retention_failure (run_id, at, step, room_id, code, message)
             VALUES ($1, $2, $3, $4, $5, $6)`,
            [runId, clock(), failure.step, failure.roomId, failure.code, failure.message.slice(0, 2000)],
          );
        }
        for (const finding of result.findings) {
          await client.query(
            'INSERT INTO bleep_retention_finding (run_id, kind, room_id, count, oldest) VALUES ($1, $2, $3, $4, $5)',
            [runId, finding.kind, finding.roomId, finding.count, finding.oldest],
          );
        }
        await client.query(
          `UPDATE bleep_retention_run SET status = $2, finished_at = $3, purged = $4, proof_ran = $5,
             finding_count = $6, failure_count = $7
           WHERE id = $1`,
          [
            runId,
            result.status,
            clock(),
            JSON.stringify(result.purged),
            result.proofRan,
            result.findings.length,
            result.failures.length,
          ],
        );
      });
    },

    async recentRuns(limit: number): Promise<RunRecord[]> {
      const { rows } = await pool.query<RunRow>(
        'SELECT * FROM bleep_retention_run ORDER BY id DESC LIMIT $1',
        [limit],
      );
      return rows.map(runRecord);
    },

    /** Runs started in the period [from, to), oldest first. */
    async runsIn(period: Readonly<{ from: Date; to: Date }>): Promise<RunRecord[]> {
      const { rows } = await pool.query<RunRow>(
        'SELECT * FROM bleep_retention_run WHERE started_at >= $1 AND started_at < $2 ORDER BY started_at, id',
        [period.from, period.to],
      );
      return rows.map(runRecord);
    },

    async findingsOf(runId: number): Promise<Finding[]> {
      const { rows } = await pool.query<{
        kind: FindingKind;
        room_id: string | null;
        count: string;
        oldest: Date | null;
      }>(
        'SELECT kind, room_id, count, oldest FROM bleep_retention_finding WHERE run_id = $1 ORDER BY kind, room_id',
        [runId],
      );
      return rows.map((row) => ({
        kind: row.kind,
        roomId: row.room_id,
        count: Number(row.count),
        oldest: row.oldest,
      }));
    },

    async failuresOf(runId: number): Promise<RunFailure[]> {
      const { rows } = await pool.query<{
        step: string;
        room_id: string | null;
        code: string;
        message: string;
      }>('SELECT step, room_id, code, message FROM bleep_retention_failure WHERE run_id = $1 ORDER BY at', [
        runId,
      ]);
      return rows.map((row) => ({
        step: row.step,
        roomId: row.room_id,
        code: row.code,
        message: row.message,
      }));
    },
  };
}
