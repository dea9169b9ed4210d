// The federation-facing gateway: partner trusts' servers reach Synapse's server-server API only through here. A
// request is forwarded only when its route is in the federation table (routes/federationRoutes.ts) and, on every
// route but the open ones, it carries one unambiguous X-Matrix signature naming an allowed partner
// (rules/federationPartners.ts). Transactions are read whole and their plaintext reported (partnerTransaction.ts);
// everything else a partner sends streams through unchanged. Refusals are counted, logged and (but for requests
// outside the table) audited.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AuditSink } from '../../audit/auditEntry.ts';
import type { GatewayMetrics } from '../gatewayMetrics.ts';
import { MatrixError, sendMatrixError } from '../matrixError.ts';
import { matchFederationRoute } from '../routes/matchFederationRoute.ts';
import { unreadableParameter, unrecognisedRequest } from '../rules/defaultDeny.ts';
import { checkFederationPartner } from '../rules/federationPartners.ts';
import type { SynapseProxy } from '../synapseProxy.ts';
import { createFederationRefuse } from './federationRefusal.ts';
import { createTransactionForwarder } from './partnerTransaction.ts';

export type FederationGatewayDeps = Readonly<{
  /** Partner server names allowed now: the policy's partners that the signed trust directory vouches for. */
  allowedPartners: () => readonly string[];
  /** Event types the trust's policy allows in plaintext (reactions, redactions). */
  plaintextEventTypes: readonly string[];
  /** The largest transaction read: Synapse's own limit (synapseRequestBodyLimit.ts), so nothing it takes is lost. */
  maxTransactionBytes: number;
  proxy: SynapseProxy;
  audit: AuditSink;
  metrics: GatewayMetrics;
  log: Logger;
}>;

/** What this server says it runs, to anyone who asks (GET /_matrix/federation/v1/version). */
const anonymousVersion = { server: { name: 'Bleep' } };

export type FederationHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** Handles one request; the promise settles when the gateway has done everything it will do for it. */
export function createFederationHandler(deps: FederationGatewayDeps): FederationHandler {
  // Without a limit every transaction would be read to its end, however large: refuse to start instead.
  if (!Number.isSafeInteger(deps.maxTransactionBytes) || deps.maxTransactionBytes <= 0) {
    throw new Error(
      `the federation gateway needs a transaction size limit, got ${String(deps.maxTransactionBytes)}`,
    );
  }
  const refuse = createFederationRefuse(deps);
  const forwardTransaction = createTransactionForwarder({ ...deps, refuse });

  return async (request, response) => {
    const match = matchFederationRoute(request.method ?? 'GET', request.url ?? '/');
    deps.metrics.requests.inc({
      api: 'federation',
      kind: match.outcome === 'route' ? match.route.name : match.outcome,
    });
    if (match.outcome === 'unrecognised') {
      await refuse(
        request,
        response,
        { what: 'unrecognised', origin: undefined, audited: false },
        unrecognisedRequest(match.status),
      );
      return;
    }
    if (match.outcome === 'bad-param') {
      const error = unreadableParameter(match.param, match.reason);
      await refuse(request, response, { what: 'unrecognised', origin: undefined, audited: false }, error);
      return;
    }
    const { route } = match;
    // headersDistinct keeps every Authorization header (request.headers keeps only the first).
    const check = checkFederationPartner(
      route,
      request.headersDistinct.authorization,
      deps.allowedPartners(),
    );
    if (check.outcome === 'refuse') {
      await refuse(request, response, { what: route.name, origin: check.origin, audited: true }, check.error);
      return;
    }
    if (route.body === 'transaction' && check.outcome === 'partner') {
      await forwardTransaction(request, response, check.origin);
      return;
    }
    if (route.name === 'version') {
      // Synapse's answer names its software and version, which would tell anyone which vulnerabilities apply.
      const body = JSON.stringify(anonymousVersion);
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
      return;
    }
    await deps.proxy.forward(request, response);
  };
}

// A plain request listener: one handler needs no router, and this is the hot path for partner traffic.
export function createFederationGateway(deps: FederationGatewayDeps): RequestListener {
  const handle = createFederationHandler(deps);
  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      deps.metrics.gatewayErrors.inc({ api: 'federation' });
      deps.log.error(
        { err: { message: (error as Error).message, name: (error as Error).name } },
        'federation gateway error',
      );
      if (response.headersSent || response.destroyed) response.destroy();
      else
        sendMatrixError(
          response,
          new MatrixError(500, 'M_UNKNOWN', 'The Bleep gateway failed to handle this request'),
        );
    });
  };
}
