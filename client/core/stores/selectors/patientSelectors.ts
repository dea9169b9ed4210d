// Reading patient context from the store: the patient-tagged messages the clinician sent that are not yet filed to
// the patient's record while their time on this desktop (the policy's clientDays) is running out. After it the
// sweep deletes them, and the record would never get them: so they are flagged to their sender well before.
import type { PatientMark } from '../../patient/patientTag.ts';
import type { TimelineItem } from '../timelineSlice.ts';
import type { BleepState } from '../bleepStore.ts';

const dayMs = 86_400_000;

/** How long before clientDays expiry an unfiled patient message is flagged: two weeks (half clientDays if shorter). */
export const patientFilingWarningDays = 14;

export type UnfiledPatientMessage = Readonly<{
  item: TimelineItem & Readonly<{ patient: PatientMark }>;
  /** When the expiry sweep deletes it here (unless its room is under legal hold). */
  expiresAt: number;
}>;

function isUnfiledPatientMessage(
  item: TimelineItem,
): item is TimelineItem & Readonly<{ patient: PatientMark }> {
  return item.kind === 'message' && item.patient !== undefined && item.patient.filedAt === null;
}

/**
 * The clinician's own unfiled patient-tagged messages within the warning window of their expiry, soonest first. A
 * message past its expiry that a legal hold keeps stays flagged: it goes as soon as the hold is released.
 */
export function selectUnfiledPatientMessagesNearExpiry(
  state: BleepState,
  now: number,
): UnfiledPatientMessage[] {
  const clientDays = state.session.policy?.retention.clientDays;
  const ownUserId = state.session.userId;
  if (clientDays === undefined || ownUserId === null) return [];
  const keepMs = clientDays * dayMs;
  const warnMs = Math.min(patientFilingWarningDays * dayMs, keepMs / 2);
  const flagged: UnfiledPatientMessage[] = [];
  for (const items of Object.values(state.timeline.byRoom)) {
    for (const item of items) {
      if (item.sender !== ownUserId || !isUnfiledPatientMessage(item)) continue;
      const expiresAt = item.sentAt + keepMs;
      if (now >= expiresAt - warnMs) flagged.push({ item, expiresAt });
    }
  }
  return flagged.sort((a, b) => a.expiresAt - b.expiresAt || a.item.id.localeCompare(b.item.id));
}
