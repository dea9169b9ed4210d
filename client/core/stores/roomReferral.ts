// A referral room's patient and reason, found in its timeline: the referral message (rooms/referralContent.ts) once
// it has decrypted or come back from the archive. The SDK's room knows nothing of it (its state is plaintext, and
// holds neither), so the store lays it over the room's summary.
import type { RoomReferral, RoomsState } from './roomsSlice.ts';
import type { TimelineItem, TimelineState } from './timelineSlice.ts';

/** The earliest referral message among the items, as the summary shows it; null when there is none. */
export function referralIn(items: readonly TimelineItem[]): RoomReferral | null {
  let found: TimelineItem | undefined;
  for (const item of items) {
    if (item.kind !== 'message' || !item.referral || !item.patient) continue;
    if (found === undefined || item.sentAt < found.sentAt) found = item;
  }
  if (!found?.referral || !found.patient) return null;
  return {
    nhsNumber: found.patient.nhsNumber,
    reason: found.referral.reason,
    referredBy: found.sender,
    referredAt: found.sentAt,
  };
}

/**
 * The rooms with the referral of each of `roomIds` read from its timeline. `keepKnown`: a room whose timeline no
 * longer shows its referral (the server's window passed, history not loaded) keeps the one it had; false after an
 * expiry sweep, which deleted it.
 */
export function withReferrals(
  rooms: RoomsState,
  timeline: TimelineState,
  roomIds: Iterable<string>,
  keepKnown = true,
): RoomsState {
  let byId = rooms.byId;
  for (const roomId of roomIds) {
    const summary = byId[roomId];
    if (summary === undefined) continue;
    if (keepKnown && summary.referral !== null) continue;
    const referral = referralIn(timeline.byRoom[roomId] ?? []);
    if (referral === null && summary.referral === null) continue;
    if (referral !== null && summary.referral !== null && referral.referredAt === summary.referral.referredAt)
      continue;
    byId = { ...byId, [roomId]: { ...summary, referral } };
  }
  return byId === rooms.byId ? rooms : { byId };
}
