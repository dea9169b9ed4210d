// The service's internal HTTP port: /healthz (the process is up and serving), /metrics (Prometheus) and /report
// (the compliance report, JSON). Nothing else is served. Bind it to an internal address only. /report names rooms,
// holds and devices, so it asks for a bearer token as well; /metrics stays open for a Prometheus on the same
// network, because no metric names a room, a user or a device (retentionMetrics.ts; README "Running it").
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Counter, Registry } from 'prom-client';
import { requireBearerToken } from './bearerToken.ts';
import type { ComplianceReport } from './complianceReport.ts';

export type AppDeps = Readonly<{
  registry: Registry;
  report: () => Promise<ComplianceReport>;
  /** RETENTION_REPORT_TOKEN: what /report asks for. */
  reportToken: string;
  /** Requests to /report refused, by reason (missing, wrong). */
  reportRefusals: Counter<'reason'>;
  log: Logger;
}>;

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  const reportAccess = requireBearerToken(deps.reportToken, (reason) => {
    deps.reportRefusals.inc({ reason });
    deps.log.warn({ reason }, 'report refused: no bearer token, or not the one this service was given');
  });
  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.get('/metrics', async (_request, response) => {
    response.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  app.get('/report', reportAccess, async (_request, response) => {
    try {
      response.json(await deps.report());
    } catch (error) {
      // Bleep's database is down: the report cannot be read, and says so (the metrics still answer).
      deps.log.warn({ code: (error as { code?: unknown }).code }, 'report unavailable');
      response
        .status(503)
        .json({ errcode: 'BLEEP_REPORT_UNAVAILABLE', error: "Bleep's database did not answer" });
    }
  });
  app.use((_request, response) => {
    response.status(404).json({ errcode: 'M_NOT_FOUND', error: 'Not found' });
  });
  return app;
}
