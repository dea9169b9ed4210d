// The federation-facing gateway: partner trusts' servers reach Synapse's federation API only through here.
// Non-partners are refused; what partners send passes unchanged, and plaintext among it is reported.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AuditSink } from './auditSink.ts';
import { classifyRequest, pathSegments } from './classifyRequest.ts';
import type { GatewayMetrics } from './gatewayMetrics.ts';
import { MatrixError, sendMatrixError } from './matrixError.ts';
import { plaintextEventsIn } from './partnerPlaintext.ts';
import { readBody } from './readJsonBody.ts';
import { checkFederationPartner } from './rules/federationPartners.ts';
import type { SynapseProxy } from './synapseProxy.ts';

export type FederationGatewayDeps = Readonly<{
  allowedPartners: () => readonly string[];
  /** Event types the trust's policy allows in plaintext (reactions, redactions). */
  plaintextEventTypes: readonly string[];
  proxy: SynapseProxy;
  audit: AuditSink;
  metrics: GatewayMetrics;
  log: Logger;
}>;

/** Transactions are small (at most 50 events of 64 KiB, and 100 EDUs); a larger one streams through unread. */
const maxInspectedTransactionBytes = 8 * 1024 * 1024;

/** PUT /_matrix/federation/v1/send/{txnId}: how a partner server delivers events. */
function isTransaction(method: string, url: string): boolean {
  const segments = pathSegments(url) ?? [];
  return method === 'PUT' && segments[1] === 'federation' && segments[3] === 'send' && segments.length === 5;
}

// A plain request listener: one handler needs no router, and this is the hot path for partner traffic.
export function createFederationGateway(deps: FederationGatewayDeps): RequestListener {
  /** Forwards a partner's transaction unchanged, after noting any plaintext message events in it. */
  async function forwardTransaction(
    request: IncomingMessage,
    response: ServerResponse,
    origin: string,
  ): Promise<void> {
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (!(declared <= maxInspectedTransactionBytes)) {
      await deps.proxy.forward(request, response);
      return;
    }
    const raw = await readBody(request, maxInspectedTransactionBytes);
    let transaction: unknown;
    try {
      transaction = JSON.parse(raw.toString('utf8'));
    } catch {
      transaction = undefined; // Synapse answers malformed JSON itself
    }
    const plaintext = plaintextEventsIn(transaction, deps.plaintextEventTypes);
    await deps.proxy.forward(request, response, raw);
    // Only what Synapse accepted from that partner is reported: the gateway does not check X-Matrix signatures
    // itself, so before Synapse's 200 the origin is only a claim (and a forger could fill the audit trail).
    if (response.statusCode !== 200) return;
    for (const event of plaintext) {
      deps.metrics.partnerPlaintext.inc({ origin });
      deps.log.warn({ origin, eventType: event.eventType }, 'plaintext event received from a partner');
      await deps.audit.record({
        actor: origin,
        device: null,
        action: 'federation:plaintext-received',
        room: event.roomId,
        result: event.eventType,
      });
    }
  }

  return (request, response) => {
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    void (async () => {
      const classified = classifyRequest(method, url);
      deps.metrics.requests.inc({ api: 'federation', kind: classified.kind });
      if (classified.kind === 'malformed') {
        sendMatrixError(response, new MatrixError(400, 'M_UNRECOGNIZED', classified.reason));
        return;
      }
      // headersDistinct keeps every Authorization header; a request may be signed more than once.
      const { refusal, origin } = checkFederationPartner(
        classified,
        request.headersDistinct.authorization,
        deps.allowedPartners(),
      );
      if (refusal) {
        await deps.audit.record({
          actor: origin ?? null,
          device: null,
          action: 'refuse:federation',
          room: null,
          result: `${refusal.status} ${refusal.errcode}${refusal.rule ? ` (${refusal.rule})` : ''}`,
        });
        deps.metrics.refusals.inc({ api: 'federation', rule: refusal.rule ?? 'federation-auth' });
        deps.log.info({ origin, status: refusal.status }, 'federation request refused');
        sendMatrixError(response, refusal);
        return;
      }
      if (origin !== undefined && isTransaction(method, url)) {
        await forwardTransaction(request, response, origin);
        return;
      }
      await deps.proxy.forward(request, response);
    })().catch((error: unknown) => {
      deps.log.error({ err: { message: (error as Error).message } }, 'federation gateway error');
      if (response.headersSent) response.destroy();
      else
        sendMatrixError(
          response,
          new MatrixError(500, 'M_UNKNOWN', 'The Bleep gateway failed to handle this request'),
        );
    });
  };
}
