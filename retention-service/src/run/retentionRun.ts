// One retention run, start to end: take the run lock, record where the to-device stream stands, check that Synapse
// still takes the admin token (a dead one is said loudly, and nothing is asked of Synapse with it), resolve the legal
// holds, purge every room they do not keep (spread and bounded), delete the rows no admin API removes, purge media,
// then prove the result and record it all in Bleep's database and the audit trail. If the holds cannot be read,
// nothing that belongs to a room is purged: a hold must never be missed because Bleep's database was slow. A step that fails is recorded and the others still run; the run is
// idempotent (everything it does is decided afresh from what Synapse holds), so a run that was killed or failed is
// finished by the next.
import type { AuditSink, TrustPolicy } from '@bleep/policy-module';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { RetentionMetrics } from '../metrics/retentionMetrics.ts';
import type { ClientExpirySummary } from '../expiry/checkClientExpiry.ts';
import type { HeldScope } from '../hold/heldMedia.ts';
import { withHoldGate } from '../hold/holdGate.ts';
import type { HeldRooms, LegalHolds } from '../hold/legalHolds.ts';
import { findingKinds, type Finding } from '../proof/finding.ts';
import { proveRetention, type ProofResult } from '../proof/proveRetention.ts';
import {
  deleteOldFederationOutbox,
  deleteOldFederationStaging,
  deleteOldSearchRows,
  deleteOldToDevice,
} from '../purge/directDeletes.ts';
import { purgeLocalMedia, purgeRemoteMediaCache } from '../purge/purgeMedia.ts';
import { purgeRoom, type RoomOutcome } from '../purge/purgeRoom.ts';
import { createRoomPurgeNow, type RoomPurgeResult } from '../purge/purgeRoomNow.ts';
import { listRooms } from '../purge/roomPlan.ts';
import {
  currentToDevicePosition,
  markAtOrBefore,
  pruneStreamMarks,
  recordStreamMark,
} from '../purge/streamMarks.ts';
import { SynapseAdminError, type SynapseAdmin } from '../synapse/synapseAdmin.ts';
import { pacedEach } from './pacedEach.ts';
import { auditEntriesFor, interruptedRunEntry, runResult } from './runAudit.ts';
import { acquireRunLock } from './runLock.ts';
import { createRunStore, noPurges, type PurgedCounts, type RunFailure, type RunTrigger } from './runStore.ts';
import { runWindow, type RunWindow } from './runWindow.ts';
import { isTransientDatabaseError, withBackoff } from './withBackoff.ts';

export type Dependency = 'synapse' | 'synapse-db' | 'bleep-db';

export type RunSettings = Readonly<{
  intervalSeconds: number;
  roomConcurrency: number;
  spreadSeconds: number;
  retryAttempts: number;
  retryBaseMs: number;
  purgeTimeoutMs: number;
  purgePollMs: number;
  /** How long a manual run waits for a scheduled one to finish. */
  lockWaitMs: number;
}>;

export type RetentionRunnerDeps = Readonly<{
  policy: TrustPolicy;
  /** Synapse's database as the service's role. */
  synapseDb: Pool;
  /** Synapse's database as the read-only proof role. */
  proofDb: Pool;
  bleepDb: Pool;
  admin: SynapseAdmin;
  audit: AuditSink;
  /** The client expiry check (expiry/checkClientExpiry.ts), run under the run's lock with its retries. */
  clientExpiry?: (runId: number, withRetries: WithRetries) => Promise<ClientExpirySummary>;
  /** Legal holds: the rooms a run must keep. */
  holds: LegalHolds;
  metrics: RetentionMetrics;
  log: Logger;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  mediaStorePath: string;
  settings: RunSettings;
}>;

export type RunRequest = Readonly<{ trigger: RunTrigger; olderThanSeconds?: number }>;

export type RunSummary = Readonly<{
  runId: number | null;
  status: 'complete' | 'failed' | 'skipped';
  /** Why a run was skipped: another run (this replica's or another's) holds the lock. */
  skippedBecause?: 'another-run-holds-the-lock';
  window: RunWindow;
  purged: PurgedCounts;
  rooms: Readonly<{ total: number; purged: number; waitingForPartner: number; held: number; failed: number }>;
  failures: readonly RunFailure[];
  findings: readonly Finding[];
  /** What the client expiry check did, when it ran. */
  clientExpiry?: ClientExpirySummary;
  /** Content past the proof horizon that legal holds keep, by kind and room: listed, not a finding. */
  held: readonly Finding[];
  proofRan: boolean;
  /** The proof ran and found nothing, and no step failed. */
  clean: boolean;
}>;

function failureOf(step: string, roomId: string | null, error: unknown): RunFailure {
  const code = (error as { code?: unknown }).code;
  return {
    step,
    roomId,
    code: typeof code === 'string' ? code : 'UNEXPECTED',
    message: error instanceof Error ? error.message : String(error),
  };
}

function isRetryable(dependency: Dependency, error: unknown): boolean {
  if (dependency === 'synapse') return error instanceof SynapseAdminError && error.retryable;
  return isTransientDatabaseError(error) || /Connection terminated|timeout/i.test((error as Error).message);
}

type WithRetries = <T>(dependency: Dependency, work: () => Promise<T>) => Promise<T>;

function adminTokenRejected(failure: RunFailure): boolean {
  return failure.code === 'SYNAPSE_ADMIN_TOKEN_REJECTED';
}

export type RetentionRunner = Readonly<{
  run: (request: RunRequest) => Promise<RunSummary>;
  /** Records where the to-device stream stands now (called between runs too). */
  recordToDeviceMark: () => Promise<void>;
  /** purge-room: one room's history up to now, at an officer's request (see purgeRoomNow.ts). */
  purgeRoomNow: (request: unknown) => Promise<RoomPurgeResult>;
}>;

export function createRetentionRunner(deps: RetentionRunnerDeps): RetentionRunner {
  const { metrics, log, settings } = deps;
  const store = createRunStore(deps.bleepDb, deps.clock);
  const serverName = deps.policy.trust.serverName;
  const policyWindowMs = deps.policy.retention.serverHours * 3600_000;

  async function withRetries<T>(dependency: Dependency, work: () => Promise<T>): Promise<T> {
    try {
      const result = await withBackoff(work, {
        attempts: settings.retryAttempts,
        baseMs: settings.retryBaseMs,
        isRetryable: (error) => isRetryable(dependency, error),
        requestedDelayMs: (error) => (error instanceof SynapseAdminError ? error.retryAfterMs : undefined),
        onRetry: (error, attempt, delayMs) => {
          metrics.retries.inc({ dependency });
          log.warn({ dependency, attempt, delayMs, code: (error as { code?: unknown }).code }, 'retrying');
        },
        sleep: deps.sleep,
      });
      metrics.dependencyUp.set({ dependency }, 1);
      return result;
    } catch (error) {
      if (isRetryable(dependency, error)) metrics.dependencyUp.set({ dependency }, 0);
      throw error;
    }
  }

  async function recordToDeviceMark(): Promise<void> {
    const at = deps.clock();
    const position = await withRetries('synapse-db', () => currentToDevicePosition(deps.synapseDb));
    await withRetries('bleep-db', () => recordStreamMark(deps.bleepDb, { at, position }));
  }

  /** The held rooms and users, as purge and proof take them. */
  function heldScope(held: HeldRooms): HeldScope {
    return {
      rooms: [...held.rooms].sort(),
      users: held.holds.filter((hold) => hold.kind === 'user').map((hold) => hold.subject),
    };
  }

  /** Whether a hold keeps the room: the run's list, then afresh (a hold placed while the run was going). */
  async function heldNow(held: HeldRooms, roomId: string): Promise<boolean> {
    if (held.rooms.has(roomId)) return true;
    return (await withRetries('bleep-db', () => deps.holds.covering(roomId))).length > 0;
  }

  async function purgeRooms(
    runId: number,
    window: RunWindow,
    trigger: RunTrigger,
    held: HeldRooms,
  ): Promise<RoomOutcome[]> {
    const rooms = await withRetries('synapse-db', () => listRooms(deps.synapseDb));
    const roomDeps = {
      synapseDb: deps.synapseDb,
      admin: deps.admin,
      clock: deps.clock,
      sleep: deps.sleep,
      withRetries,
      purgeTimeoutMs: settings.purgeTimeoutMs,
      purgePollMs: settings.purgePollMs,
      runId,
    };
    return pacedEach(
      rooms,
      {
        concurrency: settings.roomConcurrency,
        // A run asked for by a person spreads nothing: they are waiting for it.
        spreadMs: trigger === 'schedule' ? settings.spreadSeconds * 1000 : 0,
        clock: deps.clock,
        sleep: deps.sleep,
      },
      async (roomId): Promise<RoomOutcome> => {
        try {
          // From the check to the purge's end under the legal-hold gate: a hold placed meanwhile waits for this
          // room's purge, and one being placed when the room comes up is committed, and seen, before it is checked.
          return await withHoldGate(deps.bleepDb, async (gate) => {
            if (await heldNow(held, roomId)) {
              return { roomId, outcome: 'held', eventsPurged: 0, redactionsSent: 0 };
            }
            return purgeRoom({ ...roomDeps, beforeErasing: gate.confirm }, roomId, window.cutoff);
          });
        } catch (error) {
          // Not knowing whether a hold keeps the room, the run leaves it alone.
          const failure = failureOf('legal-holds', roomId, error);
          return {
            roomId,
            outcome: 'failed',
            eventsPurged: 0,
            redactionsSent: 0,
            failure: { code: failure.code, message: failure.message },
          };
        }
      },
    );
  }

  /** `askedAt`: when the run was asked for. Its window counts from then, not from when it got the lock: a person
   * (or test) asking for "older than 5 s" means as of asking, whatever run they had to wait for. */
  async function runLocked(request: RunRequest, askedAt: Date): Promise<RunSummary> {
    const startedAt = askedAt;
    const window = runWindow({
      policy: deps.policy,
      startedAt,
      intervalSeconds: settings.intervalSeconds,
      ...(request.olderThanSeconds === undefined ? {} : { olderThanSeconds: request.olderThanSeconds }),
    });
    for (const id of await withRetries('bleep-db', () => store.closeInterrupted())) {
      log.warn({ runId: id }, 'closing a run that was interrupted');
      await withRetries('bleep-db', () => deps.audit.record(interruptedRunEntry(id)));
    }
    const runId = await withRetries('bleep-db', () => store.start(request.trigger, window));
    log.info(
      { runId, trigger: request.trigger, cutoff: window.cutoff, horizon: window.proofHorizon },
      'run started',
    );
    const failures: RunFailure[] = [];
    const purged = { ...noPurges };
    async function step<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
      try {
        return await work();
      } catch (error) {
        const failure = failureOf(name, null, error);
        failures.push(failure);
        log.warn({ runId, step: name, code: failure.code }, 'step failed');
        return undefined;
      }
    }

    await step('stream-mark', recordToDeviceMark);
    // Every purge and media deletion goes through the admin token: one Synapse refuses (revoked, expired) would
    // fail room by room, or not at all in a run with nothing old, so it is asked first and said once, loudly.
    await step('synapse-admin-token', async () => {
      await withRetries('synapse', () => deps.admin.verifyAdminToken());
      metrics.synapseAdminToken.set(1);
    });
    const adminUsable = !failures.some(adminTokenRejected);
    const held = await step('legal-holds', () => withRetries('bleep-db', () => deps.holds.resolve()));
    const rooms =
      held && adminUsable
        ? ((await step('rooms', () => purgeRooms(runId, window, request.trigger, held))) ?? [])
        : [];
    for (const room of rooms) {
      purged.events += room.eventsPurged;
      purged.redactions += room.redactionsSent;
      if (room.failure) failures.push({ step: 'room', roomId: room.roomId, ...room.failure });
    }
    const mediaDeps = {
      synapseDb: deps.synapseDb,
      admin: deps.admin,
      serverName,
      clock: deps.clock,
      withRetries,
    };
    // The deletes that reach held rooms' rows run under the legal-hold gate, with the holds read again inside it: a
    // hold placed during the run keeps its room's search rows, staged events and media too, and one being placed
    // now is waited for. Their counts are 0 when the holds cannot be read (nothing of a room is touched then).
    const scope = held
      ? await step('legal-holds', () =>
          withHoldGate(deps.bleepDb, async (gate) => {
            const keep = heldScope(await withRetries('bleep-db', () => deps.holds.resolve()));
            purged.searchRows =
              (await step('search-rows', async () => {
                await gate.confirm();
                return withRetries('synapse-db', () =>
                  deleteOldSearchRows(deps.synapseDb, window.cutoff, keep.rooms),
                );
              })) ?? 0;
            purged.federationStaging =
              (await step('federation-staging', async () => {
                await gate.confirm();
                return withRetries('synapse-db', () =>
                  deleteOldFederationStaging(deps.synapseDb, window.cutoff, keep.rooms),
                );
              })) ?? 0;
            const local = adminUsable
              ? await step('local-media', () =>
                  purgeLocalMedia({ ...mediaDeps, beforeErasing: gate.confirm }, window.cutoff, keep),
                )
              : undefined;
            purged.localMedia = local?.deleted ?? 0;
            for (const failure of local?.failures ?? []) {
              failures.push({
                step: 'local-media',
                roomId: null,
                code: failure.code,
                message: failure.message,
              });
            }
            return keep;
          }),
        )
      : undefined;
    purged.toDevice =
      (await step('to-device', async () => {
        const mark = await withRetries('bleep-db', () => markAtOrBefore(deps.bleepDb, window.cutoff));
        // Until a mark is older than the window, nothing in device_inbox is known to be.
        return mark ? withRetries('synapse-db', () => deleteOldToDevice(deps.synapseDb, mark.position)) : 0;
      })) ?? 0;
    purged.federationOutbox =
      (await step('federation-outbox', () =>
        withRetries('synapse-db', () => deleteOldFederationOutbox(deps.synapseDb, window.cutoff)),
      )) ?? 0;
    // The remote cache can only be purged whole (by last access); a held room's copies of a partner's media go with
    // it and are fetched again from the partner, who holds the original.
    purged.remoteMedia =
      scope && adminUsable
        ? ((await step('remote-media', () => purgeRemoteMediaCache(mediaDeps, window.cutoff))) ?? 0)
        : 0;
    // Marks are kept for the policy's window (plus two intervals), whatever this run's window: the scheduled
    // runs need them.
    await step('stream-mark', () =>
      pruneStreamMarks(
        deps.bleepDb,
        new Date(startedAt.getTime() - policyWindowMs - 2 * settings.intervalSeconds * 1000),
      ),
    );
    // Desktops that stopped reporting, reported content past clientDays, or were not seen for clientDays.
    const expiryCheck = deps.clientExpiry;
    const clientExpiry = expiryCheck
      ? await step('client-expiry', () => expiryCheck(runId, withRetries))
      : undefined;
    // A session that should be signed out and is not is a failure of the run, not only a count.
    for (const failure of clientExpiry?.failures ?? []) {
      failures.push({
        step: 'client-expiry',
        roomId: null,
        code: 'SIGN_OUT_FAILED',
        message: `${failure.userId} on ${failure.deviceId}: ${failure.reason}`,
      });
    }

    // Without the holds the proof cannot tell held content from a finding: it would cry wolf, so it does not run.
    const proof: ProofResult | undefined = scope
      ? await step('proof', () =>
          proveRetention(
            {
              proofDb: deps.proofDb,
              bleepDb: deps.bleepDb,
              mediaStorePath: deps.mediaStorePath,
              serverName,
              held: scope,
            },
            window.proofHorizon,
          ),
        )
      : undefined;
    const findings = proof?.findings ?? [];
    // Refused at the start, or revoked during the run: said once, with what to do, and never with the token.
    const rejected = failures.find(adminTokenRejected);
    if (rejected) {
      metrics.synapseAdminToken.set(0);
      log.error(
        { runId, step: rejected.step, code: rejected.code },
        "Synapse refused the retention service's admin token (revoked, expired, or its account is no longer an " +
          'admin): nothing is purged through Synapse until SYNAPSE_ADMIN_TOKEN is replaced (deploy/README.md, ' +
          '"The retention service\'s admin token"); the service keeps running and tries again',
      );
    }
    const summary: RunSummary = {
      runId,
      status: failures.length === 0 ? 'complete' : 'failed',
      window,
      purged,
      rooms: {
        total: rooms.length,
        purged: rooms.filter((room) => room.outcome === 'purged').length,
        waitingForPartner: rooms.filter((room) => room.outcome === 'waiting-for-partner').length,
        held: rooms.filter((room) => room.outcome === 'held').length,
        failed: rooms.filter((room) => room.outcome === 'failed').length,
      },
      failures,
      findings,
      ...(clientExpiry ? { clientExpiry } : {}),
      held: proof?.held ?? [],
      proofRan: proof !== undefined,
      clean: proof !== undefined && failures.length === 0 && findings.length === 0,
    };
    await record(summary, request.trigger, rooms, proof);
    return summary;
  }

  /** Writes the run's record and audit entries, and sets the metrics. A record that cannot be written is logged. */
  async function record(
    summary: RunSummary,
    trigger: RunTrigger,
    rooms: readonly RoomOutcome[],
    proof: ProofResult | undefined,
  ): Promise<void> {
    const runId = summary.runId ?? 0;
    for (const [kind, count] of Object.entries(summary.purged)) metrics.purged.inc({ kind }, count);
    for (const failure of summary.failures) metrics.failures.inc({ step: failure.step });
    if (proof) {
      metrics.proofClean.set(summary.findings.length === 0 ? 1 : 0);
      for (const kind of findingKinds) metrics.findings.set({ kind }, 0);
      for (const finding of summary.findings) {
        metrics.findings.inc({ kind: finding.kind }, finding.count);
        metrics.findingsTotal.inc({ kind: finding.kind }, finding.count);
      }
      const now = deps.clock().getTime();
      for (const [where, oldest] of Object.entries(proof.oldestHeld)) {
        metrics.oldestContentAge.set({ where }, oldest ? Math.max(0, (now - oldest.getTime()) / 1000) : 0);
      }
    } else {
      metrics.proofClean.set(0);
    }
    try {
      await withRetries('bleep-db', () =>
        store.finish(runId, {
          status: summary.status === 'complete' ? 'complete' : 'failed',
          purged: summary.purged,
          proofRan: summary.proofRan,
          rooms,
          failures: summary.failures,
          findings: summary.findings,
        }),
      );
      for (const entry of auditEntriesFor({ ...summary, runId, trigger, rooms })) {
        await withRetries('bleep-db', () => deps.audit.record(entry));
      }
    } catch (error) {
      metrics.failures.inc({ step: 'record' });
      log.error({ runId, code: (error as { code?: unknown }).code }, 'could not record the run');
    }
    log.info(
      { runId, result: runResult(summary), purged: summary.purged, findings: summary.findings.length },
      'run finished',
    );
  }

  const purgeRoomNow = createRoomPurgeNow({
    synapseDb: deps.synapseDb,
    bleepDb: deps.bleepDb,
    admin: deps.admin,
    holds: deps.holds,
    audit: deps.audit,
    serverName,
    clock: deps.clock,
    sleep: deps.sleep,
    withRetries,
    lock: () =>
      withRetries('bleep-db', () =>
        acquireRunLock(deps.bleepDb, { waitMs: settings.lockWaitMs, clock: deps.clock, sleep: deps.sleep }),
      ),
    purgeTimeoutMs: settings.purgeTimeoutMs,
    purgePollMs: settings.purgePollMs,
    log: log.child({ module: 'purge-room' }),
  });

  return {
    recordToDeviceMark,
    purgeRoomNow,
    async run(request) {
      const began = deps.clock();
      metrics.runInProgress.set(1);
      const end = metrics.runDuration.startTimer({ trigger: request.trigger });
      try {
        let summary: RunSummary;
        let lock;
        try {
          lock = await withRetries('bleep-db', () =>
            acquireRunLock(deps.bleepDb, {
              waitMs: request.trigger === 'manual' ? settings.lockWaitMs : 0,
              clock: deps.clock,
              sleep: deps.sleep,
            }),
          );
        } catch (error) {
          lock = undefined;
          summary = notRun(request, began, 'failed', [failureOf('lock', null, error)]);
          return finished(request, summary);
        }
        if (!lock) return finished(request, notRun(request, began, 'skipped', []));
        try {
          summary = await runLocked(request, began);
        } catch (error) {
          // Bleep's database failed before the run could be recorded: nothing was purged.
          summary = notRun(request, began, 'failed', [failureOf('record', null, error)]);
        } finally {
          await lock.release();
        }
        return finished(request, summary);
      } finally {
        end();
        metrics.runInProgress.set(0);
      }
    },
  };

  function finished(request: RunRequest, summary: RunSummary): RunSummary {
    metrics.runs.inc({ trigger: request.trigger, status: summary.status });
    if (summary.status !== 'skipped') {
      metrics.lastRunFinished.set({ status: summary.status }, deps.clock().getTime() / 1000);
    }
    if (summary.runId === null) {
      for (const failure of summary.failures) metrics.failures.inc({ step: failure.step });
      for (const failure of summary.failures)
        log.error({ step: failure.step, code: failure.code }, 'run failed');
    }
    return summary;
  }

  function notRun(
    request: RunRequest,
    began: Date,
    status: 'skipped' | 'failed',
    failures: readonly RunFailure[],
  ): RunSummary {
    return {
      runId: null,
      status,
      ...(status === 'skipped' ? { skippedBecause: 'another-run-holds-the-lock' as const } : {}),
      window: runWindow({
        policy: deps.policy,
        startedAt: began,
        intervalSeconds: settings.intervalSeconds,
        ...(request.olderThanSeconds === undefined ? {} : { olderThanSeconds: request.olderThanSeconds }),
      }),
      purged: noPurges,
      rooms: { total: 0, purged: 0, waitingForPartner: 0, held: 0, failed: 0 },
      failures,
      findings: [],
      held: [],
      proofRan: false,
      clean: false,
    };
  }
}
