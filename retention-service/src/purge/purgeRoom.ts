// One room's purge: events received before the cutoff go through Synapse's history purge (local users' events
// too). Where the purge cannot reach an old event that still holds content, the run erases it by a redaction,
// sent as one of the trust's own members: in a room where nothing new has happened, one redaction becomes the
// room's latest event, so the purge up to it then takes every old event outright; elsewhere (an old event level
// with or above the first new one) the redaction makes Synapse prune the stored content after
// redaction_retention_period. The redaction carries the retention marker, so a client can tell that the server's
// copy expired, not that someone took the message back.
import { createHash } from 'node:crypto';
import { HoldGateError } from '../hold/holdGate.ts';
import { SynapseAdminError, type SynapseAdmin } from '../synapse/synapseAdmin.ts';
import { retentionMarker } from './contentHeld.ts';
import { chooseRedactor, readRoomAuthority, type RoomAuthority } from './roomAuthority.ts';
import {
  countPurgeableBelow,
  newestOwnOldEvent,
  readRoomPlan,
  type Queryable,
  type RoomPlan,
  type StuckEvent,
} from './roomPlan.ts';

export type RoomOutcome = Readonly<{
  roomId: string;
  /**
   * nothing-old: nothing to do; purged: old events deleted (and any stuck content erased); waiting-for-partner:
   * an old event holds content that no local member may erase (a partner's event in a partner's room: the
   * partner's own service erases it, and its redaction reaches this server); held: a legal hold keeps the room,
   * so nothing was touched; failed: see failure.
   */
  outcome: 'nothing-old' | 'purged' | 'waiting-for-partner' | 'held' | 'failed';
  eventsPurged: number;
  redactionsSent: number;
  failure?: Readonly<{ code: string; message: string }>;
}>;

export class PurgeTaskError extends Error {
  override readonly name = 'PurgeTaskError';
  readonly code: 'PURGE_FAILED' | 'PURGE_TIMEOUT';

  constructor(code: 'PURGE_FAILED' | 'PURGE_TIMEOUT', message: string) {
    super(message);
    this.code = code;
  }
}

export type RoomPurgeDeps = Readonly<{
  /** Synapse's database as the service's role. */
  synapseDb: Queryable;
  admin: SynapseAdmin;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Runs one dependency call with the run's retries (and counts them). */
  withRetries: <T>(dependency: 'synapse' | 'synapse-db', work: () => Promise<T>) => Promise<T>;
  purgeTimeoutMs: number;
  /** The longest wait between two questions about a purge's progress (the first waits 25 ms, then doubling). */
  purgePollMs: number;
  /** Makes transaction ids unique to the run, so a retried redaction is not sent twice. */
  runId: number;
  /**
   * Called just before each redaction and history purge; throws to stop the room there. The caller holds the
   * legal-hold gate (hold/holdGate.ts) and confirms it still does, so no hold can have been placed since its check.
   */
  beforeErasing: () => Promise<void>;
}>;

/** Acts in rooms as local members; every token it takes is ended when the room is done. */
function createActing(deps: RoomPurgeDeps) {
  const tokens = new Map<string, string>();
  return {
    async redact(roomId: string, userId: string, event: StuckEvent): Promise<void> {
      let token = tokens.get(userId);
      if (token === undefined) {
        const validUntil = new Date(deps.clock().getTime() + 15 * 60_000);
        token = await deps.withRetries('synapse', () => deps.admin.loginAs(userId, validUntil));
        tokens.set(userId, token);
      }
      const acting = token;
      await deps.beforeErasing();
      const txnId = `bleep-retention-${deps.runId}-${createHash('sha256').update(event.eventId).digest('hex').slice(0, 16)}`;
      await deps.withRetries('synapse', () =>
        deps.admin.redact(acting, roomId, event.eventId, txnId, { [retentionMarker]: true }),
      );
    },
    async end(): Promise<void> {
      for (const token of tokens.values()) {
        // The token expires by itself within minutes; a failed logout only leaves it to expire.
        await deps.admin.logout(token).catch(() => undefined);
      }
      tokens.clear();
    },
  };
}

/** The first wait before asking Synapse how a purge stands: most rooms' purges finish within a few tens of ms. */
const firstPollMs = 25;

async function waitForPurge(deps: RoomPurgeDeps, purgeId: string): Promise<void> {
  const deadline = deps.clock().getTime() + deps.purgeTimeoutMs;
  // Asked again after a wait that doubles up to purgePollMs: a fixed 500 ms wait made every room cost half a second
  // however small its purge (the retention bench measured the service at 0.31 of purge_history alone).
  let pollMs = Math.min(firstPollMs, deps.purgePollMs);
  for (;;) {
    const status = await deps.withRetries('synapse', () => deps.admin.purgeStatus(purgeId));
    if (status.status === 'complete') return;
    if (status.status === 'failed') {
      throw new PurgeTaskError(
        'PURGE_FAILED',
        `Synapse's purge ${purgeId} failed: ${status.error ?? 'no reason given'}`,
      );
    }
    if (deps.clock().getTime() > deadline) {
      // Synapse carries on with it; the next run finds what is left.
      throw new PurgeTaskError(
        'PURGE_TIMEOUT',
        `Synapse's purge ${purgeId} still running after ${deps.purgeTimeoutMs} ms`,
      );
    }
    await deps.sleep(pollMs);
    pollMs = Math.min(pollMs * 2, deps.purgePollMs);
  }
}

/**
 * In a room where nothing new has happened and the latest events hold content, one redaction by a local member
 * gives the room a new, content-free latest event. Its target: a stuck event a local member may redact, or else a
 * local member's own old event (anyone may redact their own). Answers whether one was sent.
 */
async function moveLatestPastOldContent(
  deps: RoomPurgeDeps,
  acting: ReturnType<typeof createActing>,
  plan: RoomPlan,
  authority: RoomAuthority,
  cutoff: Date,
): Promise<boolean> {
  for (const event of [...plan.stuck].reverse()) {
    const redactor = chooseRedactor(authority, event);
    if (redactor) {
      await acting.redact(plan.roomId, redactor, event);
      return true;
    }
  }
  const own = await deps.withRetries('synapse-db', () =>
    newestOwnOldEvent(deps.synapseDb, plan.roomId, cutoff, authority.joined),
  );
  if (!own) return false;
  await acting.redact(plan.roomId, own.sender, own);
  return true;
}

function failureOf(error: unknown): { code: string; message: string } {
  if (
    error instanceof SynapseAdminError ||
    error instanceof PurgeTaskError ||
    error instanceof HoldGateError
  ) {
    return { code: error.code, message: error.message };
  }
  const code = (error as { code?: unknown }).code;
  return {
    code: typeof code === 'string' ? `DATABASE_${code}` : 'UNEXPECTED',
    message: error instanceof Error ? error.message : String(error),
  };
}

export async function purgeRoom(deps: RoomPurgeDeps, roomId: string, cutoff: Date): Promise<RoomOutcome> {
  const acting = createActing(deps);
  let redactionsSent = 0;
  let eventsPurged = 0;
  let waitingForPartner = false;
  try {
    let plan = await deps.withRetries('synapse-db', () => readRoomPlan(deps.synapseDb, roomId, cutoff));
    if (!plan.purgePoint) return { roomId, outcome: 'nothing-old', eventsPurged: 0, redactionsSent: 0 };
    if (plan.stuck.length > 0) {
      const authority = await deps.withRetries('synapse-db', () => readRoomAuthority(deps.synapseDb, roomId));
      if (plan.idle) {
        if (await moveLatestPastOldContent(deps, acting, plan, authority, cutoff)) {
          redactionsSent += 1;
          plan = await deps.withRetries('synapse-db', () => readRoomPlan(deps.synapseDb, roomId, cutoff));
        } else {
          waitingForPartner = true;
        }
      } else {
        for (const event of plan.stuck) {
          const redactor = chooseRedactor(authority, event);
          if (redactor === undefined) {
            waitingForPartner = true;
            continue;
          }
          await acting.redact(roomId, redactor, event);
          redactionsSent += 1;
        }
      }
    }
    const point = plan.purgePoint;
    if (point && plan.purgeable > 0) {
      await deps.beforeErasing();
      const purgeId = await deps.withRetries('synapse', () => deps.admin.purgeHistory(roomId, point.eventId));
      await waitForPurge(deps, purgeId);
      const left = await deps.withRetries('synapse-db', () =>
        countPurgeableBelow(deps.synapseDb, roomId, point.depth),
      );
      eventsPurged = Math.max(0, plan.purgeable - left);
    }
    const outcome = waitingForPartner
      ? 'waiting-for-partner'
      : eventsPurged > 0 || redactionsSent > 0
        ? 'purged'
        : 'nothing-old';
    return { roomId, outcome, eventsPurged, redactionsSent };
  } catch (error) {
    return { roomId, outcome: 'failed', eventsPurged, redactionsSent, failure: failureOf(error) };
  } finally {
    await acting.end();
  }
}
