// POST /_bleep/expiry-report on its own, on a local port, with stand-ins for Synapse's whoami, the device list,
// the report store and the sign-out, recording what each was asked (unit test only; deploy/test/integration/
// clientExpiry.test.ts proves it through the real gateway, judged by whether Synapse still takes the token).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Counter } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../audit/auditEntry.ts';
import type { ExpiryReport } from '../../expiry/expiryReportStore.ts';
import { createGatewayMetrics } from '../gatewayMetrics.ts';
import type { DeviceStatus } from '../rules/enrolledSession.ts';
import { testPolicy } from '../rules/ruleContext.testkit.ts';
import type { SessionSignOut } from '../signOutSession.ts';
import type { TokenOwner } from '../whoAmI.ts';
import { createRefuse } from './clientRefusal.ts';
import { createExpiryReportRoute } from './expiryReportRoute.ts';

const day = 86_400_000;
const receivedAt = new Date('2026-06-01T10:00:00Z');
const owners: Record<string, TokenOwner> = {
  'token-pc1': { outcome: 'identity', identity: { userId: '@dr:northgate.nhs.uk', deviceId: 'PC1' } },
  'token-revoked': { outcome: 'identity', identity: { userId: '@dr:northgate.nhs.uk', deviceId: 'OLD-PC' } },
  'token-down': { outcome: 'unavailable' },
};
const deviceStatus: Record<string, DeviceStatus> = { PC1: 'active', 'OLD-PC': 'revoked' };

/** What a counter holds under exactly these labels (0 when it has never been counted under them). */
async function counted<Label extends string>(
  counter: Counter<Label>,
  labels: Partial<Record<Label, string>>,
) {
  const values = (await counter.get()).values;
  const same = (other: Partial<Record<string, string | number>>) =>
    Object.keys(other).length === Object.keys(labels).length &&
    Object.entries(labels).every(([name, value]) => other[name] === value);
  return values.find((value) => same(value.labels))?.value ?? 0;
}

describe('the expiry report route', () => {
  const audit: AuditEntry[] = [];
  const stored: [string, string, ExpiryReport][] = [];
  const signedOut: string[] = [];
  let signOutAnswer: SessionSignOut = { outcome: 'signed-out' };
  /** When set, the report store fails as PostgreSQL does when it is down. */
  let storeDown = false;
  const metrics = createGatewayMetrics();
  const log = pino({ level: 'silent' });
  const auditSink = {
    record: (entry: AuditEntry) => {
      audit.push(entry);
      return Promise.resolve();
    },
  };
  const route = createExpiryReportRoute({
    policy: testPolicy,
    whoAmI: (token) => Promise.resolve(owners[token] ?? { outcome: 'unknown-token', softLogout: false }),
    devices: { status: (deviceId) => deviceStatus[deviceId] ?? 'unknown-device' },
    expiryReports: {
      record: (userId, deviceId, report) => {
        if (storeDown)
          return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
        stored.push([userId, deviceId, report]);
        return Promise.resolve(receivedAt);
      },
    },
    signOutSession: (token) => {
      signedOut.push(token);
      return Promise.resolve(signOutAnswer);
    },
    audit: auditSink,
    refuse: createRefuse({ audit: auditSink, metrics, log }),
    metrics,
    log,
  });
  const server: Server = createServer((request, response) => {
    void route(request, response);
  });
  let url = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_bleep/expiry-report`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    audit.length = 0;
    stored.length = 0;
    signedOut.length = 0;
    signOutAnswer = { outcome: 'signed-out' };
    storeDown = false;
  });

  it("answers 503 M_UNKNOWN, keeping and signing out nothing, while Bleep's database is down", async () => {
    storeDown = true;
    const errors = await counted(metrics.gatewayErrors, { api: 'client' });
    const answer = await report(overAge, 'token-pc1');
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({ errcode: 'M_UNKNOWN' });
    expect(stored).toEqual([]);
    expect(signedOut).toEqual([]);
    expect(await counted(metrics.gatewayErrors, { api: 'client' })).toBe(errors + 1);
  });

  const report = (body: string, token?: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
  const overAge = JSON.stringify({
    oldest_ts: receivedAt.getTime() - 91 * day,
    swept_at: receivedAt.getTime(),
  });

  it('keeps a report and answers when the next one is due, signing nobody out', async () => {
    const oldest = receivedAt.getTime() - 30 * day;
    const kept = await counted(metrics.expiryReports, {});
    const answer = await report(JSON.stringify({ oldest_ts: oldest, swept_at: 5 }), 'token-pc1');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(await answer.json()).toEqual({ next_report_due_ts: receivedAt.getTime() + day });
    expect(await counted(metrics.expiryReports, {})).toBe(kept + 1);
    expect(stored).toEqual([
      ['@dr:northgate.nhs.uk', 'PC1', { oldestTs: new Date(oldest), sweptAt: new Date(5) }],
    ]);
    expect(signedOut).toEqual([]);
    expect(audit).toEqual([]);
  });

  it('keeps a report of an empty archive', async () => {
    const answer = await report('{"oldest_ts":null,"swept_at":5}', 'token-pc1');
    expect(answer.status).toBe(200);
    expect(stored[0]?.[2]).toEqual({ oldestTs: null, sweptAt: new Date(5) });
  });

  it('signs out, with its own token, a desktop that reports content older than clientDays, and audits it', async () => {
    const signOuts = { reason: 'over-age', outcome: 'signed-out' } as const;
    const before = [
      await counted(metrics.expirySignOuts, signOuts),
      await counted(metrics.expiryReports, {}),
    ];
    const answer = await report(overAge, 'token-pc1');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(await answer.json()).toEqual({ next_report_due_ts: receivedAt.getTime() + day });
    expect(signedOut).toEqual(['token-pc1']);
    expect(audit).toEqual([
      {
        actor: '@dr:northgate.nhs.uk',
        device: 'PC1',
        action: 'expiry.sign-out',
        room: null,
        result: 'signed-out',
        detail: {
          reason: 'over-age',
          by: 'gateway',
          clientDays: 90,
          oldestTs: new Date(receivedAt.getTime() - 91 * day).toISOString(),
        },
      },
    ]);
    // Counted as a sign-out for being over age, not as a kept report: the two are told apart on the dashboard.
    expect([
      await counted(metrics.expirySignOuts, signOuts),
      await counted(metrics.expiryReports, {}),
    ]).toEqual([(before[0] ?? 0) + 1, before[1]]);
  });

  it('keeps the report and audits the failure when Synapse cannot sign the desktop out', async () => {
    signOutAnswer = { outcome: 'failed', reason: 'cannot reach Synapse' };
    const answer = await report(overAge, 'token-pc1');
    expect(answer.status).toBe(200);
    expect(stored).toHaveLength(1);
    expect(audit).toMatchObject([{ action: 'expiry.sign-out', result: 'failed: cannot reach Synapse' }]);
  });

  it('refuses a missing or unknown token, a revoked desktop, and a Synapse that does not answer, storing nothing', async () => {
    const body = '{"oldest_ts":null,"swept_at":5}';
    const missing = await report(body);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ errcode: 'M_MISSING_TOKEN' });
    const unknown = await report(body, 'no-such-token');
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN' });
    const revoked = await report(body, 'token-revoked');
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({
      errcode: 'M_UNKNOWN_TOKEN',
      'uk.nhs.bleep.rule': 'device-enrolment',
    });
    const down = await report(body, 'token-down');
    expect(down.status).toBe(502);
    expect(stored).toEqual([]);
    expect(audit.map((entry) => entry.action)).toEqual(new Array<string>(4).fill('refuse:expiryReport'));
    expect(audit[2]).toMatchObject({ actor: '@dr:northgate.nhs.uk', device: 'OLD-PC' });
  });

  it('refuses a malformed report with a 400 naming the rule, and audits it with who sent it', async () => {
    const cases: [string, string, string][] = [
      ['{"oldest_ts":null}', 'M_BAD_JSON', 'client-expiry'],
      ['{"oldest_ts":null,"swept_at":5,"extra":1}', 'M_BAD_JSON', 'client-expiry'],
      ['{"oldest_ts":-1,"swept_at":5}', 'M_INVALID_PARAM', 'client-expiry'],
      ['', 'M_BAD_JSON', 'client-expiry'],
      ['{"oldest_ts":null,', 'M_NOT_JSON', 'well-formed-json'],
      [`{"oldest_ts":null,"swept_at":5,"pad":"${'x'.repeat(2000)}"}`, 'M_TOO_LARGE', 'well-formed-json'],
    ];
    for (const [body, errcode, rule] of cases) {
      const answer = await report(body, 'token-pc1');
      expect(answer.status, body.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(answer.status, body.slice(0, 40)).toBeLessThan(500);
      expect(await answer.json(), body.slice(0, 40)).toMatchObject({ errcode, 'uk.nhs.bleep.rule': rule });
    }
    expect(stored).toEqual([]);
    expect(audit).toHaveLength(cases.length);
    expect(audit[0]).toMatchObject({
      actor: '@dr:northgate.nhs.uk',
      device: 'PC1',
      action: 'refuse:expiryReport',
      result: '400 M_BAD_JSON (client-expiry)',
    });
  });
});

describe('the expiry report route, where the policy lets sessions without an enrolled device through', () => {
  it('refuses a session with no device, which has nothing to report for', async () => {
    const stored: string[] = [];
    const log = pino({ level: 'silent' });
    const metrics = createGatewayMetrics();
    const audit = { record: () => Promise.resolve() };
    const route = createExpiryReportRoute({
      policy: { ...testPolicy, devices: { ...testPolicy.devices, enrolmentRequired: false } },
      whoAmI: () =>
        Promise.resolve({
          outcome: 'identity',
          identity: { userId: '@bot:northgate.nhs.uk', deviceId: null },
        }),
      devices: { status: () => 'unknown-device' },
      expiryReports: {
        record: (userId) => {
          stored.push(userId);
          return Promise.resolve(receivedAt);
        },
      },
      signOutSession: () => Promise.resolve({ outcome: 'signed-out' }),
      audit,
      refuse: createRefuse({ audit, metrics, log }),
      metrics,
      log,
    });
    const server = createServer((request, response) => {
      void route(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
        method: 'POST',
        headers: { authorization: 'Bearer t' },
        body: '{"oldest_ts":null,"swept_at":1}',
      });
      expect(answer.status).toBe(403);
      expect(await answer.json()).toEqual({
        errcode: 'M_FORBIDDEN',
        error: 'This session has no device to report for: sign in from a Bleep desktop',
        'uk.nhs.bleep.rule': 'client-expiry',
      });
      expect(stored).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
