// The gateway's Prometheus metrics: one registry, served on an internal port only (never beside the public API).
// Counts say what the gateway decided and when Synapse failed it; they carry no user, room or content labels.
import { createServer, type Server } from 'node:http';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

export type GatewayMetrics = Readonly<{
  registry: Registry;
  /** Requests by API (client, federation) and route (or why none matched). */
  requests: Counter<'api' | 'kind'>;
  /** Refusals by the rule that refused. */
  refusals: Counter<'api' | 'rule'>;
  /** Requests Synapse did not answer (down, reset, timed out). */
  upstreamFailures: Counter<'api'>;
  /** Requests the gateway itself failed to handle (a bug: each is logged). */
  gatewayErrors: Counter<'api'>;
  /** Plaintext message events partner servers delivered (by partner server name, a short fixed list). */
  partnerPlaintext: Counter<'origin'>;
  /** Desktops' expiry reports accepted that showed nothing past clientDays. */
  expiryReports: Counter;
  /** Desktops signed out because their expiry report showed content past clientDays, by outcome. */
  expirySignOuts: Counter<'reason' | 'outcome'>;
}>;

export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'bleep_gateway_' });
  return {
    registry,
    requests: new Counter({
      name: 'bleep_gateway_requests_total',
      help: 'Requests by API and classified kind',
      labelNames: ['api', 'kind'],
      registers: [registry],
    }),
    refusals: new Counter({
      name: 'bleep_gateway_refusals_total',
      help: 'Requests refused by a policy rule',
      labelNames: ['api', 'rule'],
      registers: [registry],
    }),
    upstreamFailures: new Counter({
      name: 'bleep_gateway_upstream_failures_total',
      help: 'Requests the homeserver did not answer',
      labelNames: ['api'],
      registers: [registry],
    }),
    gatewayErrors: new Counter({
      name: 'bleep_gateway_errors_total',
      help: 'Requests the gateway failed to handle',
      labelNames: ['api'],
      registers: [registry],
    }),
    partnerPlaintext: new Counter({
      name: 'bleep_gateway_partner_plaintext_events_total',
      help: 'Plaintext message events received from partner servers',
      labelNames: ['origin'],
      registers: [registry],
    }),
    expiryReports: new Counter({
      name: 'bleep_gateway_expiry_reports_total',
      help: "Desktops' expiry reports accepted with nothing older than clientDays",
      registers: [registry],
    }),
    expirySignOuts: new Counter({
      name: 'bleep_gateway_expiry_sign_outs_total',
      help: 'Desktops signed out for reporting content older than clientDays, by outcome',
      labelNames: ['reason', 'outcome'],
      registers: [registry],
    }),
  };
}

/** A tiny HTTP server for /metrics, to bind on an internal address. */
export function createMetricsServer(metrics: GatewayMetrics): Server {
  return createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    void metrics.registry.metrics().then((text) => {
      response.writeHead(200, { 'content-type': metrics.registry.contentType });
      response.end(text);
    });
  });
}
