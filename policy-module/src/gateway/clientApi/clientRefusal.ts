// How the client gateway refuses a request: the Matrix error to the client, and the same decision to the audit
// trail (who, which device, what, which room; never content), the refusal metric and the log.
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AuditSink } from '../../audit/auditEntry.ts';
import type { GatewayMetrics } from '../gatewayMetrics.ts';
import { sendMatrixError, type MatrixError } from '../matrixError.ts';
import type { Identity } from '../whoAmI.ts';

export type RefusedRequest = Readonly<{
  /** What was asked: a route name, or "unrecognised" for a request outside the route table. */
  what: string;
  identity: Identity | undefined;
  /** A device the request named itself (a sign-in or enrolment), when there is no session yet. */
  device?: string | null;
  room: string | null;
  /** A precise reason for the audit trail that the client is not told (which check a sign-in failed). */
  auditReason?: string;
}>;

export type Refuse = (response: ServerResponse, refused: RefusedRequest, error: MatrixError) => Promise<void>;

export function createRefuse(
  deps: Readonly<{ audit: AuditSink; metrics: GatewayMetrics; log: Logger }>,
): Refuse {
  return async (response, refused, error) => {
    const rule = error.rule ?? error.errcode;
    deps.metrics.refusals.inc({ api: 'client', rule });
    deps.log.info({ what: refused.what, status: error.status, rule }, 'refused');
    await deps.audit.record({
      actor: refused.identity?.userId ?? null,
      device: refused.identity?.deviceId ?? refused.device ?? null,
      action: `refuse:${refused.what}`,
      room: refused.room,
      result: `${error.status} ${error.errcode}${error.rule ? ` (${error.rule})` : ''}${refused.auditReason ? `: ${refused.auditReason}` : ''}`,
    });
    sendMatrixError(response, error);
  };
}
