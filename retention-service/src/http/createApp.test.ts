// Starts the app on port 0 with a stand-in report.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createRetentionMetrics, type RetentionMetrics } from '../metrics/retentionMetrics.ts';
import type { ComplianceReport } from './complianceReport.ts';
import { createApp } from './createApp.ts';

const token = 'c3f1e0a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9';
const asOfficer = { headers: { authorization: `Bearer ${token}` } };

let server: Server | undefined;
let metrics: RetentionMetrics;
let logged: string[];

async function start(report: () => Promise<ComplianceReport>): Promise<string> {
  metrics = createRetentionMetrics();
  metrics.findings.set({ kind: 'event-content' }, 2);
  logged = [];
  const log = pino({ level: 'info' }, { write: (line: string) => logged.push(line) });
  const app = createApp({
    registry: metrics.registry,
    report,
    reportToken: token,
    reportRefusals: metrics.reportRefusals,
    log,
  });
  const started = app.listen(0, '127.0.0.1');
  server = started;
  await new Promise((resolve) => started.once('listening', resolve));
  return `http://127.0.0.1:${(started.address() as AddressInfo).port}`;
}

afterEach(async () => {
  const running = server;
  server = undefined;
  if (running) await new Promise((resolve) => running.close(resolve));
});

describe('createApp', () => {
  it('answers health, metrics and, with the bearer token, the report, and nothing else', async () => {
    const base = await start(() => Promise.resolve({ status: 'clean' } as ComplianceReport));
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const metricsText = await (await fetch(`${base}/metrics`)).text();
    expect(metricsText).toContain('bleep_retention_findings{kind="event-content"} 2');
    expect(await (await fetch(`${base}/report`, asOfficer)).json()).toEqual({ status: 'clean' });
    const other = await fetch(`${base}/_synapse/admin/v1/purge_history/x`, { method: 'POST' });
    expect(other.status).toBe(404);
  });

  it('refuses the report without the bearer token, or with another, counts it and never logs what was sent', async () => {
    let asked = 0;
    const base = await start(() => {
      asked += 1;
      return Promise.resolve({ status: 'clean' } as ComplianceReport);
    });
    const guesses = [
      {},
      { authorization: 'Bearer' },
      { authorization: `Basic ${Buffer.from(`officer:${token}`).toString('base64')}` },
      { authorization: `Bearer ${token.slice(0, -1)}` },
      { authorization: `Bearer ${token}x` },
      { authorization: 'Bearer guess-that-is-long-enough-to-look-like-a-token' },
    ];
    for (const headers of guesses) {
      const refused = await fetch(`${base}/report`, { headers });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="bleep-retention"');
      expect(await refused.json()).toMatchObject({ errcode: 'BLEEP_REPORT_UNAUTHORIZED' });
    }
    expect(asked).toBe(0);
    const refusals = await metrics.registry.getSingleMetricAsString('bleep_retention_report_refusals_total');
    expect(refusals).toContain('bleep_retention_report_refusals_total{reason="missing"} 3');
    expect(refusals).toContain('bleep_retention_report_refusals_total{reason="wrong"} 3');
    expect(logged).toHaveLength(guesses.length);
    for (const line of logged) {
      expect(line).not.toContain(token.slice(0, 12));
      expect(line).not.toContain('guess-that');
    }
    // The lower-case scheme is the same scheme (RFC 9110), and the report is served.
    expect((await fetch(`${base}/report`, { headers: { authorization: `bearer ${token}` } })).status).toBe(
      200,
    );
  });

  it("says the report is unavailable when Bleep's database is down, and keeps serving metrics", async () => {
    const base = await start(() =>
      Promise.reject(Object.assign(new Error('down'), { code: 'ECONNREFUSED' })),
    );
    const report = await fetch(`${base}/report`, asOfficer);
    expect(report.status).toBe(503);
    expect(await report.json()).toMatchObject({ errcode: 'BLEEP_REPORT_UNAVAILABLE' });
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
  });
});
