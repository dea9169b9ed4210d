// POST /_bleep/expiry-report: an enrolled desktop, with its own access token, says how old the oldest message in
// its archive is and when it last swept. The report is kept as the device's latest (the retention service warns
// and signs out desktops that stop reporting); the answer says when the next one is due. A report showing content
// older than the policy's clientDays signs the desktop out of Synapse before the answer goes back, and is audited.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AuditSink } from '../../audit/auditEntry.ts';
import { heldExpiredContent, nextReportDue } from '../../expiry/clientExpiry.ts';
import type { ExpiryReportStore } from '../../expiry/expiryReportStore.ts';
import type { TrustPolicy } from '../../policy/trustPolicy.ts';
import type { GatewayMetrics } from '../gatewayMetrics.ts';
import { MatrixError, policyRefusal, sendMatrixError } from '../matrixError.ts';
import { readJsonBody } from '../readJsonBody.ts';
import { clientExpiryRule, readExpiryReport } from '../rules/clientExpiry.ts';
import type { DeviceStatusView } from '../rules/enrolledSession.ts';
import type { SignOutSession } from '../signOutSession.ts';
import type { WhoAmI } from '../whoAmI.ts';
import type { Refuse } from './clientRefusal.ts';
import { checkDeviceSession } from './sessionCheck.ts';

export type ExpiryReportRouteDeps = Readonly<{
  policy: TrustPolicy;
  whoAmI: WhoAmI;
  devices: DeviceStatusView;
  expiryReports: ExpiryReportStore;
  signOutSession: SignOutSession;
  audit: AuditSink;
  refuse: Refuse;
  metrics: GatewayMetrics;
  log: Logger;
}>;

/** A report is two numbers: anything near this size is not one. */
const maxReportBytes = 1024;

export function createExpiryReportRoute(deps: ExpiryReportRouteDeps) {
  const limits = deps.policy.retention;
  const what = 'expiryReport';

  return async function expiryReport(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Only where the policy lets sessions without an enrolled device through is there none: a report is about one.
    const session = await checkDeviceSession(
      request,
      {
        whoAmI: deps.whoAmI,
        devices: deps.devices,
        enrolmentRequired: deps.policy.devices.enrolmentRequired,
      },
      () =>
        policyRefusal(
          clientExpiryRule,
          'This session has no device to report for: sign in from a Bleep desktop',
        ),
    );
    if (session.outcome === 'refused') {
      await deps.refuse(response, { what, identity: session.identity, room: null }, session.error);
      return;
    }
    const { identity, token } = session;
    let body: unknown;
    try {
      body = (await readJsonBody(request, maxReportBytes)).value;
    } catch (error) {
      if (!(error instanceof MatrixError)) throw error;
      await deps.refuse(response, { what, identity, room: null }, error);
      return;
    }
    const read = readExpiryReport(body);
    if (!read.ok) {
      await deps.refuse(response, { what, identity, room: null }, read.error);
      return;
    }
    const { userId, deviceId } = identity;
    let receivedAt: Date;
    try {
      receivedAt = await deps.expiryReports.record(userId, deviceId, read.report);
    } catch (error) {
      // Bleep's database is down: a 503 the desktop tries again after (its reporter backs off), never a crash or a
      // 500; the log says the database's code only.
      deps.metrics.gatewayErrors.inc({ api: 'client' });
      deps.log.error({ what, code: (error as { code?: unknown }).code }, 'expiry report could not be kept');
      sendMatrixError(
        response,
        new MatrixError(503, 'M_UNKNOWN', 'The expiry report cannot be kept just now: try again shortly'),
      );
      return;
    }
    if (heldExpiredContent(read.report.oldestTs, receivedAt, limits)) {
      // Signed out before the answer, so that when the desktop reads it its token is already dead. A sign-out that
      // fails here is retried by the retention service's next check, which reads the same report.
      const signOut = await deps.signOutSession(token);
      const result = signOut.outcome === 'failed' ? `failed: ${signOut.reason}` : signOut.outcome;
      deps.metrics.expirySignOuts.inc({ reason: 'over-age', outcome: signOut.outcome });
      deps.log.warn({ outcome: signOut.outcome }, 'desktop reported content past clientDays; signing it out');
      await deps.audit.record({
        actor: userId,
        device: deviceId,
        action: 'expiry.sign-out',
        room: null,
        result,
        detail: {
          reason: 'over-age',
          by: 'gateway',
          clientDays: limits.clientDays,
          oldestTs: read.report.oldestTs?.toISOString() ?? null,
        },
      });
    } else {
      deps.metrics.expiryReports.inc();
    }
    const answer = JSON.stringify({ next_report_due_ts: nextReportDue(receivedAt, limits).getTime() });
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(answer),
    });
    response.end(answer);
  };
}
