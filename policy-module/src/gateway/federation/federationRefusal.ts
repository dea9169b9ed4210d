// How the federation gateway refuses a request: the Matrix error to the sending server, the refusal metric and a
// log line always, and the audit trail when the request named a server or a route (who was refused, what for).
// Requests outside the route table are counted and logged but not audited: anyone on the internet can send them,
// and the audit trail is not theirs to fill.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AuditSink } from '../../audit/auditEntry.ts';
import type { GatewayMetrics } from '../gatewayMetrics.ts';
import { sendMatrixError, type MatrixError } from '../matrixError.ts';

export type RefusedFederationRequest = Readonly<{
  /** A federation route name, or "unrecognised" for a request outside the route table. */
  what: string;
  /** The server the request named itself as, when it named one unambiguously. */
  origin: string | undefined;
  audited: boolean;
}>;

export type FederationRefuse = (
  request: IncomingMessage,
  response: ServerResponse,
  refused: RefusedFederationRequest,
  error: MatrixError,
) => Promise<void>;

export function createFederationRefuse(
  deps: Readonly<{ audit: AuditSink; metrics: GatewayMetrics; log: Logger }>,
): FederationRefuse {
  return async (request, response, refused, error) => {
    const rule = error.rule ?? error.errcode;
    deps.metrics.refusals.inc({ api: 'federation', rule });
    // Which door was knocked on, for a request outside the table (a partner's Synapse using a route nobody has
    // added would show here); without the query string, which can carry a token.
    const door =
      refused.what === 'unrecognised'
        ? { method: request.method, path: (request.url ?? '').split('?')[0]?.slice(0, 200) }
        : {};
    deps.log.info(
      { what: refused.what, ...door, origin: refused.origin, status: error.status, rule },
      'federation request refused',
    );
    if (refused.audited) {
      await deps.audit.record({
        actor: refused.origin ?? null,
        device: null,
        action: 'refuse:federation',
        room: null,
        result: `${error.status} ${error.errcode}${error.rule ? ` (${error.rule})` : ''}`,
        detail: { route: refused.what },
      });
    }
    // A body still arriving is not drained for a refused sender: the connection closes after the answer. A
    // request without one leaves the connection open for the partner's next request.
    const hasBody =
      request.headers['transfer-encoding'] !== undefined ||
      Number(request.headers['content-length'] ?? 0) > 0;
    if (hasBody && !request.complete) response.shouldKeepAlive = false;
    sendMatrixError(response, error);
  };
}
