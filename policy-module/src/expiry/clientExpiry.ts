// The client expiry rule in numbers, for the gateway and the retention service alike: when a desktop's next
// expiry report is due, when an overdue desktop is signed out, and whether a report shows content kept past the
// policy's clientDays. Deadlines count from server times (when a report arrived, when a device signed in), never
// from what a desktop's clock says.
import type { TrustPolicy } from '../policy/trustPolicy.ts';

export type ExpiryLimits = Pick<
  TrustPolicy['retention'],
  'clientDays' | 'expiryReportHours' | 'expiryGraceHours'
>;

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** When the next report is due, counting from the last report (or sign-in) the server saw. */
export function nextReportDue(lastHeard: Date, limits: ExpiryLimits): Date {
  return new Date(lastHeard.getTime() + limits.expiryReportHours * hourMs);
}

/** When a desktop that has not reported since `lastHeard` is signed out: overdue, plus the grace. */
export function signOutDue(lastHeard: Date, limits: ExpiryLimits): Date {
  return new Date(nextReportDue(lastHeard, limits).getTime() + limits.expiryGraceHours * hourMs);
}

/**
 * Whether a report says the desktop held content older than clientDays when it reported. Judged at the report's
 * arrival, not later: the desktop sweeps between reports, and its next report says whether it did.
 */
export function heldExpiredContent(oldestTs: Date | null, reportedAt: Date, limits: ExpiryLimits): boolean {
  return oldestTs !== null && oldestTs.getTime() < reportedAt.getTime() - limits.clientDays * dayMs;
}

/** The moment before which anything a device last used is "not seen for longer than clientDays". */
export function notSeenCutoff(now: Date, limits: ExpiryLimits): Date {
  return new Date(now.getTime() - limits.clientDays * dayMs);
}
