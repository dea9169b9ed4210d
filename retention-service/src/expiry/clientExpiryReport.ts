// The client expiry part of the compliance report: every session on an enrolled desktop with its last expiry
// report and where it stands (on time, overdue, due to be signed out, signed out), and the warnings and sign-outs
// of the last clientDays, read back from the audit trail that recorded them (the gateway's and this service's).
// User and device ids, times and outcomes only.
import { nextReportDue, signOutDue, type ExpiryLimits } from '@bleep/policy-module';
import type { Pool } from 'pg';
import { listEnrolledSessions, listSynapseDevices, sessionKey } from './expiryRecords.ts';
import { judgeDevice, lastHeard } from './judgeDevice.ts';

export type DesktopState = 'on-time' | 'overdue' | 'sign-out-due' | 'over-age' | 'signed-out';

export type ReportedDesktop = Readonly<{
  userId: string;
  deviceId: string;
  label: string | null;
  lastLoginAt: string | null;
  lastReport: Readonly<{ receivedAt: string; oldestTs: string | null; sweptAt: string }> | null;
  nextReportDue: string;
  signOutDue: string;
  /** 'signed-out': Synapse holds no session for the user on the desktop now. */
  state: DesktopState;
}>;

export type ExpiryEvent = Readonly<{
  at: string;
  action: 'expiry.warning' | 'expiry.sign-out';
  userId: string | null;
  deviceId: string | null;
  result: string;
  reason: string | null;
  by: string | null;
}>;

export type ClientExpiryReport = Readonly<{
  reportHours: number;
  graceHours: number;
  clientDays: number;
  /** Sessions Synapse holds on enrolled desktops, and those signed out within the last clientDays. */
  desktops: readonly ReportedDesktop[];
  /** Newest first, at most `maxEvents`. */
  events: readonly ExpiryEvent[];
}>;

export type ClientExpiryReportDeps = Readonly<{
  synapseDb: Pool;
  bleepDb: Pool;
  limits: ExpiryLimits;
  clock: () => Date;
}>;

const maxEvents = 1000;

async function labels(bleepDb: Pool): Promise<Map<string, string | null>> {
  const { rows } = await bleepDb.query<{ device_id: string; label: string | null }>(
    'SELECT device_id, label FROM bleep_device_enrolment',
  );
  return new Map(rows.map((row) => [row.device_id, row.label]));
}

async function recentEvents(bleepDb: Pool, since: Date): Promise<ExpiryEvent[]> {
  const { rows } = await bleepDb.query<{
    at: Date;
    action: ExpiryEvent['action'];
    actor: string | null;
    device: string | null;
    result: string;
    reason: string | null;
    by: string | null;
  }>(
    `SELECT at, action, actor, device, result, detail->>'reason' AS reason, detail->>'by' AS by
     FROM bleep_audit WHERE action IN ('expiry.warning', 'expiry.sign-out') AND at >= $1
     ORDER BY seq DESC LIMIT $2`,
    [since, maxEvents],
  );
  return rows.map((row) => ({
    at: row.at.toISOString(),
    action: row.action,
    userId: row.actor,
    deviceId: row.device,
    result: row.result,
    reason: row.reason,
    by: row.by,
  }));
}

export async function readClientExpiryReport(deps: ClientExpiryReportDeps): Promise<ClientExpiryReport> {
  const { limits } = deps;
  const now = deps.clock();
  const [sessions, devices, names] = await Promise.all([
    listEnrolledSessions(deps.bleepDb),
    listSynapseDevices(deps.synapseDb),
    labels(deps.bleepDb),
  ]);
  const held = new Map(devices.map((device) => [sessionKey(device.userId, device.deviceId), device]));
  const since = new Date(now.getTime() - limits.clientDays * 86_400_000);
  const desktops = [...sessions.values()]
    // A session signed out and silent for clientDays has nothing left to say; the list stays the size of the trust.
    .filter(
      (session) => held.has(sessionKey(session.userId, session.deviceId)) || lastHeard(session) >= since,
    )
    .sort((a, b) => a.deviceId.localeCompare(b.deviceId) || a.userId.localeCompare(b.userId))
    .map((session): ReportedDesktop => {
      const device = held.get(sessionKey(session.userId, session.deviceId));
      const verdict = device ? judgeDevice(device, session, now, limits) : undefined;
      const state: DesktopState = !verdict
        ? 'signed-out'
        : verdict.action === 'none'
          ? 'on-time'
          : verdict.action === 'warn'
            ? 'overdue'
            : verdict.reason === 'over-age'
              ? 'over-age'
              : 'sign-out-due';
      const heard = lastHeard(session);
      return {
        userId: session.userId,
        deviceId: session.deviceId,
        label: names.get(session.deviceId) ?? null,
        lastLoginAt: session.lastLoginAt?.toISOString() ?? null,
        lastReport: session.report
          ? {
              receivedAt: session.report.receivedAt.toISOString(),
              oldestTs: session.report.oldestTs?.toISOString() ?? null,
              sweptAt: session.report.sweptAt.toISOString(),
            }
          : null,
        nextReportDue: nextReportDue(heard, limits).toISOString(),
        signOutDue: signOutDue(heard, limits).toISOString(),
        state,
      };
    });
  return {
    reportHours: limits.expiryReportHours,
    graceHours: limits.expiryGraceHours,
    clientDays: limits.clientDays,
    desktops,
    events: await recentEvents(deps.bleepDb, since),
  };
}
