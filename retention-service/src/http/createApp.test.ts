// Starts the app on port 0 with a stand-in report.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createRetentionMetrics } from '../metrics/retentionMetrics.ts';
import type { ComplianceReport } from './complianceReport.ts';
import { createApp } from './createApp.ts';

let server: Server | undefined;

async function start(report: () => Promise<ComplianceReport>): Promise<string> {
  const metrics = createRetentionMetrics();
  metrics.findings.set({ kind: 'event-content' }, 2);
  const app = createApp({ registry: metrics.registry, report, log: pino({ level: 'silent' }) });
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
  it('answers health, metrics and the report, and nothing else', async () => {
    const base = await start(() => Promise.resolve({ status: 'clean' } as ComplianceReport));
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('bleep_retention_findings{kind="event-content"} 2');
    expect(await (await fetch(`${base}/report`)).json()).toEqual({ status: 'clean' });
    const other = await fetch(`${base}/_synapse/admin/v1/purge_history/x`, { method: 'POST' });
    expect(other.status).toBe(404);
  });

  it("says the report is unavailable when Bleep's database is down, and keeps serving metrics", async () => {
    const base = await start(() =>
      Promise.reject(Object.assign(new Error('down'), { code: 'ECONNREFUSED' })),
    );
    const report = await fetch(`${base}/report`);
    expect(report.status).toBe(503);
    expect(await report.json()).toMatchObject({ errcode: 'BLEEP_REPORT_UNAVAILABLE' });
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
  });
});
