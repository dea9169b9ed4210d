// POST /_bleep/staff/search on its own, on a local port, with stand-ins for Synapse's whoami, the device list, the
// enrolment store and the staff directory (unit test only; deploy/test/integration/staffDirectory.test.ts proves
// it through the real gateway, Synapse and PostgreSQL).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../audit/auditEntry.ts';
import type { StaffSearch } from '../../staffDirectory/staffDirectoryStore.ts';
import { createGatewayMetrics } from '../gatewayMetrics.ts';
import type { DeviceStatus } from '../rules/enrolledSession.ts';
import { testPolicy } from '../rules/ruleContext.testkit.ts';
import type { TokenOwner } from '../whoAmI.ts';
import { createRefuse } from './clientRefusal.ts';
import { createStaffSearchRoute } from './staffSearchRoute.ts';

const owners: Record<string, TokenOwner> = {
  'token-pc1': { outcome: 'identity', identity: { userId: '@dr:northgate.nhs.uk', deviceId: 'PC1' } },
  'token-revoked': { outcome: 'identity', identity: { userId: '@dr:northgate.nhs.uk', deviceId: 'OLD-PC' } },
  'token-no-device': { outcome: 'identity', identity: { userId: '@dr:northgate.nhs.uk', deviceId: null } },
  'token-elsewhere': { outcome: 'identity', identity: { userId: '@dr:southmere.nhs.uk', deviceId: 'PC1' } },
  'token-down': { outcome: 'unavailable' },
};
const deviceStatus: Record<string, DeviceStatus> = { PC1: 'active', 'OLD-PC': 'revoked' };
const credentials: Record<string, string> = { PC1: 'credential-pc1' };
const amelia = {
  userId: '@amelia.hart:northgate.nhs.uk',
  displayName: 'Dr Amelia Hart',
  role: 'Consultant Cardiologist',
  department: 'Cardiology',
};

describe('the staff search route', () => {
  const audit: AuditEntry[] = [];
  const searched: StaffSearch[] = [];
  const logged: string[] = [];
  let directoryDown = false;
  const log = pino({ level: 'info' }, { write: (line: string) => logged.push(line) });
  const auditSink = {
    record: (entry: AuditEntry) => {
      audit.push(entry);
      return Promise.resolve();
    },
  };
  const metrics = createGatewayMetrics();
  const route = createStaffSearchRoute({
    policy: testPolicy,
    whoAmI: (token) => Promise.resolve(owners[token] ?? { outcome: 'unknown-token', softLogout: false }),
    devices: { status: (deviceId) => deviceStatus[deviceId] ?? 'unknown-device' },
    enrolment: {
      checkLogin: (deviceId, credential) =>
        Promise.resolve(
          credential !== undefined && credentials[deviceId] === credential
            ? { ok: true as const }
            : { ok: false as const, code: 'DEVICE_LOGIN_REFUSED', message: 'This desktop is not enrolled.' },
        ),
      recordLogin: () => Promise.resolve(),
      deviceOfCredential: () => Promise.resolve(undefined),
      redeemCode: () => Promise.reject(new Error('not asked here')),
    },
    staff: {
      search: (search) => {
        searched.push(search);
        if (directoryDown)
          return Promise.reject(Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' }));
        return Promise.resolve([amelia]);
      },
    },
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
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_bleep/staff/search`;
  });
  afterAll(() => {
    server.close();
  });
  beforeEach(() => {
    audit.length = 0;
    searched.length = 0;
    logged.length = 0;
    directoryDown = false;
  });

  async function post(token: string | undefined, credential: string | undefined, body: string) {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(credential ? { 'x-bleep-device-credential': credential } : {}),
      },
      body,
    });
    return {
      status: response.status,
      cache: response.headers.get('cache-control'),
      body: (await response.json()) as Record<string, unknown>,
    };
  }
  const query = JSON.stringify({ term: 'cardiology', limit: 5 });

  it("answers the enrolled desktop's own session, with its credential, from its own trust's staff only", async () => {
    expect(await post('token-pc1', 'credential-pc1', query)).toEqual({
      status: 200,
      cache: 'no-store',
      body: {
        results: [
          {
            user_id: '@amelia.hart:northgate.nhs.uk',
            display_name: 'Dr Amelia Hart',
            role: 'Consultant Cardiologist',
            department: 'Cardiology',
          },
        ],
      },
    });
    expect(searched).toEqual([{ term: 'cardiology', limit: 5, serverName: 'northgate.nhs.uk' }]);
  });

  it('asks for 20 when no limit is given, and never more than 50', async () => {
    await post('token-pc1', 'credential-pc1', JSON.stringify({ term: 'hart' }));
    await post('token-pc1', 'credential-pc1', JSON.stringify({ term: 'hart', limit: 10_000 }));
    expect(searched.map((search) => search.limit)).toEqual([20, 50]);
  });

  it('refuses without a session, an unknown token, a revoked desktop, a session with no device, searching nothing', async () => {
    expect(await post(undefined, 'credential-pc1', query)).toMatchObject({
      status: 401,
      body: { errcode: 'M_MISSING_TOKEN' },
    });
    expect(await post('token-unknown', 'credential-pc1', query)).toMatchObject({
      status: 401,
      body: { errcode: 'M_UNKNOWN_TOKEN' },
    });
    expect(await post('token-revoked', 'credential-pc1', query)).toMatchObject({
      status: 401,
      body: { 'uk.nhs.bleep.rule': 'device-enrolment' },
    });
    expect(await post('token-no-device', 'credential-pc1', query)).toMatchObject({
      status: 401,
      body: { 'uk.nhs.bleep.rule': 'device-enrolment' },
    });
    expect((await post('token-down', 'credential-pc1', query)).status).toBe(502);
    expect(searched).toEqual([]);
  });

  it("refuses the enrolled desktop's session without its credential, or with another, and audits it", async () => {
    for (const credential of [undefined, '', 'credential-other', 'CREDENTIAL-PC1']) {
      const answer = await post('token-pc1', credential, query);
      expect(answer, String(credential)).toMatchObject({
        status: 403,
        body: { 'uk.nhs.bleep.rule': 'device-enrolment' },
      });
    }
    expect(searched).toEqual([]);
    expect(audit[0]).toMatchObject({
      actor: '@dr:northgate.nhs.uk',
      device: 'PC1',
      action: 'refuse:staffSearch',
      result: '403 M_FORBIDDEN (device-enrolment): DEVICE_LOGIN_REFUSED',
    });
  });

  it("refuses a session of another trust's clinician", async () => {
    expect(await post('token-elsewhere', 'credential-pc1', query)).toMatchObject({
      status: 403,
      body: { 'uk.nhs.bleep.rule': 'staff-directory' },
    });
    expect(searched).toEqual([]);
  });

  it('refuses a search that is not {term, limit}: empty, too long, control characters, odd limits, other fields', async () => {
    const bodies = [
      '{}',
      '[]',
      '"cardiology"',
      JSON.stringify({ term: '' }),
      JSON.stringify({ term: '   ' }),
      JSON.stringify({ term: 'x'.repeat(101) }),
      JSON.stringify({ term: 'a b c d e f g h i' }),
      JSON.stringify({ term: 'hart\u0000' }),
      JSON.stringify({ term: 'hart\ud800' }),
      JSON.stringify({ term: 7 }),
      JSON.stringify({ term: 'hart', limit: 0 }),
      JSON.stringify({ term: 'hart', limit: 2.5 }),
      JSON.stringify({ term: 'hart', limit: '5' }),
      JSON.stringify({ term: 'hart', server: 'southmere.nhs.uk' }),
    ];
    for (const body of bodies) {
      const answer = await post('token-pc1', 'credential-pc1', body);
      expect(answer.status, body).toBe(400);
    }
    expect((await post('token-pc1', 'credential-pc1', '{"term": "hart",')).status).toBe(400);
    expect(searched).toEqual([]);
  });

  it('never writes the term to the log or the audit trail, even when the directory cannot be read', async () => {
    const term = 'Lindqvist-ward-twelve';
    await post('token-pc1', 'credential-pc1', JSON.stringify({ term }));
    await post('token-pc1', undefined, JSON.stringify({ term }));
    await post('token-pc1', 'credential-pc1', JSON.stringify({ term, limit: -1 }));
    directoryDown = true;
    const down = await post('token-pc1', 'credential-pc1', JSON.stringify({ term }));
    expect(down.status).toBe(503);
    expect(logged.some((line) => line.includes('staff directory unreadable'))).toBe(true);
    expect(`${logged.join('\n')}${JSON.stringify(audit)}`).not.toContain('Lindqvist');
  });
});
