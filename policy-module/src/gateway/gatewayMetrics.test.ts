import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayMetrics, createMetricsServer } from './gatewayMetrics.ts';

describe('gateway metrics', () => {
  const metrics = createGatewayMetrics();
  let server: Server;
  let url = '';

  beforeAll(async () => {
    server = createMetricsServer(metrics);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('serves every counter, and the process metrics, at /metrics in the Prometheus text format', async () => {
    metrics.requests.inc({ api: 'client', kind: 'sync' });
    metrics.refusals.inc({ api: 'client', rule: 'e2ee-only' });
    metrics.upstreamFailures.inc({ api: 'client' });
    metrics.gatewayErrors.inc({ api: 'federation' });
    metrics.partnerPlaintext.inc({ origin: 'southmere.nhs.uk' });
    metrics.expiryReports.inc();
    metrics.expirySignOuts.inc({ reason: 'over-age', outcome: 'signed-out' });
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(metrics.registry.contentType);
    const text = await response.text();
    for (const line of [
      'bleep_gateway_requests_total{api="client",kind="sync"} 1',
      'bleep_gateway_refusals_total{api="client",rule="e2ee-only"} 1',
      'bleep_gateway_upstream_failures_total{api="client"} 1',
      'bleep_gateway_errors_total{api="federation"} 1',
      'bleep_gateway_partner_plaintext_events_total{origin="southmere.nhs.uk"} 1',
      'bleep_gateway_expiry_reports_total 1',
      'bleep_gateway_expiry_sign_outs_total{reason="over-age",outcome="signed-out"} 1',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toMatch(/^bleep_gateway_process_cpu_user_seconds_total /m);
  });

  it('serves nothing else', async () => {
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('');
  });
});
