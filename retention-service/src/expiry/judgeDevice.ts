// What the client expiry check does with one Synapse device, decided from what the server knows and nothing the
// device could fake later: its last expiry report (as the gateway received it), its user's last sign-in on it and
// its enrolment, and when Synapse last saw it. Pure, so every branch is tested without a database.
//
// - A report from the current session that showed content older than clientDays signs it out (the gateway does
//   so at once; this catches a sign-out that failed there).
// - An enrolled desktop that has not reported for expiryReportHours (counting from its last report, sign-in or
//   enrolment, whichever is latest: a desktop just signed in has a day to report) is warned, and once it has been
//   overdue for expiryGraceHours, signed out.
// - Any device Synapse has not seen for clientDays is signed out, enrolled or not, so its undelivered backlog of
//   room keys goes with it; one never seen in use counts from when the check first found it.
import {
  heldExpiredContent,
  nextReportDue,
  notSeenCutoff,
  signOutDue,
  type ExpiryLimits,
} from '@bleep/policy-module';

/** A device as Synapse holds it: a user's session (its access tokens) on one device ID. */
export type SynapseDevice = Readonly<{ userId: string; deviceId: string; lastSeen: Date | null }>;

/** A device and, when Synapse has never seen it in use, when the check first found it so (its stand-in last use). */
export type JudgedDevice = SynapseDevice & Readonly<{ noticedUnusedAt?: Date }>;

export type StoredExpiryReport = Readonly<{ oldestTs: Date | null; sweptAt: Date; receivedAt: Date }>;

/** What Bleep's database knows of a user on an enrolled (not revoked) desktop. */
export type EnrolledSession = Readonly<{
  userId: string;
  deviceId: string;
  enrolledAt: Date;
  lastLoginAt: Date | null;
  report: StoredExpiryReport | null;
}>;

export type SignOutReason = 'over-age' | 'overdue' | 'not-seen';

export type ExpiryVerdict =
  | Readonly<{ action: 'none'; enrolled: boolean }>
  | Readonly<{ action: 'warn'; dueAt: Date; signOutAt: Date }>
  /** `since`: the oldest content reported (over-age), the missed deadline (overdue), the last use (not-seen). */
  | Readonly<{ action: 'sign-out'; reason: SignOutReason; since: Date }>;

/** The latest moment the server heard from the session: its report, its sign-in, or the desktop's enrolment. */
export function lastHeard(session: EnrolledSession): Date {
  const times = [session.enrolledAt, session.lastLoginAt, session.report?.receivedAt].filter(
    (time): time is Date => time instanceof Date,
  );
  return new Date(Math.max(...times.map((time) => time.getTime())));
}

/** Whether the report was sent in the session Synapse holds now, not one the desktop was signed out of since. */
function reportOfThisSession(session: EnrolledSession): StoredExpiryReport | null {
  const { report, lastLoginAt } = session;
  if (!report) return null;
  return lastLoginAt === null || report.receivedAt >= lastLoginAt ? report : null;
}

export function judgeDevice(
  device: JudgedDevice,
  session: EnrolledSession | undefined,
  now: Date,
  limits: ExpiryLimits,
): ExpiryVerdict {
  const report = session ? reportOfThisSession(session) : null;
  if (report?.oldestTs && heldExpiredContent(report.oldestTs, report.receivedAt, limits)) {
    return { action: 'sign-out', reason: 'over-age', since: report.oldestTs };
  }
  const heard = session ? lastHeard(session) : undefined;
  if (heard && now >= signOutDue(heard, limits)) {
    return { action: 'sign-out', reason: 'overdue', since: nextReportDue(heard, limits) };
  }
  const lastUse = device.lastSeen ?? device.noticedUnusedAt;
  if (lastUse && lastUse < notSeenCutoff(now, limits)) {
    return { action: 'sign-out', reason: 'not-seen', since: lastUse };
  }
  if (heard && now >= nextReportDue(heard, limits)) {
    return { action: 'warn', dueAt: nextReportDue(heard, limits), signOutAt: signOutDue(heard, limits) };
  }
  return { action: 'none', enrolled: session !== undefined };
}
