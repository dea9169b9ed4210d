// The client expiry check, one step of every retention run: judges every session Synapse holds (judgeDevice.ts),
// warns overdue desktops once per missed deadline and signs out the ones past their grace, over-age or unseen for
// clientDays (a session never used: from when a check first found it), through policy-module's signOutDevice (Synapse's admin API deletes the device and its tokens, as a
// revocation's sign-out does). Each warning and sign-out is audited; the counts go to the metrics and the run.
import type { AuditEntry, AuditSink, ExpiryLimits, UserSignOut } from '@bleep/policy-module';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { RetentionMetrics } from '../metrics/retentionMetrics.ts';
import {
  latestWarnings,
  listEnrolledDevices,
  listEnrolledSessions,
  listSynapseDevices,
  noticeUnusedSessions,
  recordWarning,
  sessionKey,
} from './expiryRecords.ts';
import { judgeDevice, type EnrolledSession, type SignOutReason } from './judgeDevice.ts';

export type ClientExpirySummary = Readonly<{
  /** Sessions Synapse holds (administrators' and hidden devices aside). */
  sessions: number;
  /** Of those, on desktops enrolled now. */
  enrolled: number;
  /** Overdue, within their grace, after this run. */
  overdue: number;
  /** Warnings given by this run (an overdue session is warned once per missed deadline). */
  warned: number;
  signedOut: Readonly<Record<SignOutReason, number>>;
  /** Sign-outs Synapse did not carry out; the next run tries again. */
  failed: number;
  /** Which, and why: the run records each as a failure of its client-expiry step. */
  failures: readonly Readonly<{ userId: string; deviceId: string; reason: string }>[];
}>;

export type ClientExpiryDeps = Readonly<{
  synapseDb: Pool;
  bleepDb: Pool;
  limits: ExpiryLimits;
  /** policy-module's signOutDevice, bound to the service's admin API access. */
  signOut: (deviceId: string, userIds: readonly string[]) => Promise<UserSignOut[]>;
  audit: AuditSink;
  metrics: RetentionMetrics;
  log: Logger;
  clock: () => Date;
  /** Retries a call to a dependency that is down or busy (the run's own withRetries). */
  withRetries: <T>(dependency: 'synapse-db' | 'bleep-db', work: () => Promise<T>) => Promise<T>;
}>;

function entry(
  session: Readonly<{ userId: string; deviceId: string }>,
  action: string,
  result: string,
  detail: AuditEntry['detail'],
): AuditEntry {
  return {
    actor: session.userId,
    device: session.deviceId,
    action,
    room: null,
    result,
    ...(detail ? { detail } : {}),
  };
}

export async function checkClientExpiry(deps: ClientExpiryDeps, runId: number): Promise<ClientExpirySummary> {
  const { bleepDb, limits, metrics, log } = deps;
  const now = deps.clock();
  const devices = await deps.withRetries('synapse-db', () => listSynapseDevices(deps.synapseDb));
  const sessions = await deps.withRetries('bleep-db', () => listEnrolledSessions(bleepDb));
  const enrolledDevices = await deps.withRetries('bleep-db', () => listEnrolledDevices(bleepDb));
  const warnedFor = await deps.withRetries('bleep-db', () => latestWarnings(bleepDb));
  const unusedSince = await deps.withRetries('bleep-db', () => noticeUnusedSessions(bleepDb, devices, now));
  let enrolled = 0;
  let overdue = 0;
  let warned = 0;
  const failures: { userId: string; deviceId: string; reason: string }[] = [];
  const signedOut: Record<SignOutReason, number> = { 'over-age': 0, overdue: 0, 'not-seen': 0 };

  for (const synapseDevice of devices) {
    const key = sessionKey(synapseDevice.userId, synapseDevice.deviceId);
    const noticedUnusedAt = unusedSince.get(key);
    const device = noticedUnusedAt ? { ...synapseDevice, noticedUnusedAt } : synapseDevice;
    const enrolledAt = enrolledDevices.get(device.deviceId);
    // A session on an enrolled desktop that nobody recorded signing in on (a token Synapse issued another way):
    // its deadline counts from the enrolment.
    const session: EnrolledSession | undefined =
      sessions.get(key) ??
      (enrolledAt
        ? { userId: device.userId, deviceId: device.deviceId, enrolledAt, lastLoginAt: null, report: null }
        : undefined);
    if (session) enrolled += 1;
    const verdict = judgeDevice(device, session, now, limits);
    if (verdict.action === 'warn') {
      overdue += 1;
      const last = warnedFor.get(key);
      if (last && last >= verdict.dueAt) continue;
      await deps.withRetries('bleep-db', () =>
        deps.audit.record(
          entry(device, 'expiry.warning', 'overdue', {
            by: 'retention',
            runId,
            dueAt: verdict.dueAt.toISOString(),
            signOutAt: verdict.signOutAt.toISOString(),
          }),
        ),
      );
      await deps.withRetries('bleep-db', () =>
        recordWarning(bleepDb, { ...device, dueAt: verdict.dueAt, warnedAt: now, runId }),
      );
      warned += 1;
      metrics.expiryWarnings.inc();
      log.info({ runId, dueAt: verdict.dueAt }, 'desktop overdue with its expiry report: warned');
      continue;
    }
    if (verdict.action !== 'sign-out') continue;
    const [outcome] = await deps.signOut(device.deviceId, [device.userId]);
    const failure = !outcome ? 'no answer' : outcome.outcome === 'failed' ? outcome.reason : undefined;
    const result = failure === undefined ? (outcome?.outcome ?? 'failed') : `failed: ${failure}`;
    if (failure === undefined) signedOut[verdict.reason] += 1;
    else failures.push({ userId: device.userId, deviceId: device.deviceId, reason: failure });
    metrics.expirySignOuts.inc({ reason: verdict.reason, outcome: outcome?.outcome ?? 'failed' });
    log.warn(
      { runId, reason: verdict.reason, outcome: outcome?.outcome },
      'signing a device out for client expiry',
    );
    await deps.withRetries('bleep-db', () =>
      deps.audit.record(
        entry(device, 'expiry.sign-out', result, {
          reason: verdict.reason,
          by: 'retention',
          runId,
          since: verdict.since.toISOString(),
        }),
      ),
    );
  }
  metrics.expirySessions.set({ state: 'enrolled' }, enrolled);
  metrics.expirySessions.set({ state: 'overdue' }, overdue);
  metrics.expirySessions.set({ state: 'all' }, devices.length);
  return {
    sessions: devices.length,
    enrolled,
    overdue,
    warned,
    signedOut,
    failed: failures.length,
    failures,
  };
}
