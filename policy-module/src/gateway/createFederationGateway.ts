// The federation-facing gateway: partner trusts' servers reach Synapse's federation API only through here.
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { AuditSink } from './auditSink.ts';
import { classifyRequest } from './classifyRequest.ts';
import type { GatewayMetrics } from './gatewayMetrics.ts';
import { MatrixError, sendMatrixError } from './matrixError.ts';
import { checkFederationPartner } from './rules/federationPartners.ts';
import type { SynapseProxy } from './synapseProxy.ts';

export type FederationGatewayDeps = Readonly<{
  allowedPartners: () => readonly string[];
  proxy: SynapseProxy;
  audit: AuditSink;
  metrics: GatewayMetrics;
  log: Logger;
}>;

export function createFederationGateway(deps: FederationGatewayDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use((request, response) => {
    void (async () => {
      const classified = classifyRequest(request.method, request.originalUrl);
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
  });
  return app;
}
