// One expiry sweep: deletes from the archive every message sent more than the trust's clientDays ago (by the
// injected clock), outside the rooms under legal hold, and records when it swept and the send time of the oldest
// message it kept. The legal holds are asked of the gateway first; if that fails, nothing is held (legalHolds.ts).
import type { MessageArchive, SweepRecord } from '../archive/messageArchive.ts';
import type { Clock } from '../platform.ts';
import type { LegalHoldsState } from '../stores/expirySlice.ts';
import type { LegalHoldAnswer } from './legalHolds.ts';

export const dayMs = 86_400_000;

/** The earliest send time still kept: a message is kept for clientDays after it was sent, not a moment more. */
export function expiryCutoff(now: number, clientDays: number): number {
  return now - clientDays * dayMs;
}

export type ExpirySweepResult = SweepRecord &
  Readonly<{
    /** Messages sent before this were deleted, outside `keptRoomIds`. */
    before: number;
    keptRoomIds: readonly string[];
    legalHolds: LegalHoldsState;
    removed: number;
    kept: number;
  }>;

export type ExpirySweepDeps = Readonly<{
  archive: MessageArchive;
  clock: Clock;
  clientDays: number;
  legalHolds: () => Promise<LegalHoldAnswer>;
}>;

export async function runExpirySweep(deps: ExpirySweepDeps): Promise<ExpirySweepResult> {
  const holds = await deps.legalHolds();
  const sweptAt = deps.clock.now();
  const before = expiryCutoff(sweptAt, deps.clientDays);
  const keptRoomIds = holds.status === 'in-force' ? holds.roomIds : [];
  const outcome = await deps.archive.sweep({ before, keepRoomIds: keptRoomIds });
  const record: SweepRecord = {
    sweptAt,
    clientDays: deps.clientDays,
    oldestKeptAt: outcome.oldestKeptAt,
    oldestOutsideHoldAt: outcome.oldestOutsideHoldAt,
  };
  await deps.archive.writeSweepRecord(record);
  return {
    ...record,
    before,
    keptRoomIds,
    legalHolds: { status: holds.status, roomIds: keptRoomIds, checkedAt: sweptAt },
    removed: outcome.removed,
    kept: outcome.kept,
  };
}
