// Unit test of the client gateway's wiring: default deny, sessions of enrolled desktops only, bad input, and a
// homeserver that is down. Synapse here is a stand-in HTTP server that records what reaches it (unit test only;
// deploy/test/integration/ proves the same against the real Synapse, judged by what Synapse then holds).
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../audit/auditEntry.ts';
import { createGatewayMetrics } from '../gatewayMetrics.ts';
import { MatrixError } from '../matrixError.ts';
import type { DeviceStatus } from '../rules/enrolledSession.ts';
import { testPolicy } from '../rules/ruleContext.testkit.ts';
import { createSynapseProxy, type SynapseProxy } from '../synapseProxy.ts';
import type { TokenOwner } from '../whoAmI.ts';
import { createClientGateway } from './createClientGateway.ts';

type Seen = { method: string; url: string; body: string; raw: Buffer; contentType: string | undefined };

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Tokens the stand-in knows, by the device that holds them. */
const owners: Record<string, TokenOwner> = {
  'token-pc1': { outcome: 'identity', identity: { userId: '@dr:northgate.nhs.uk', deviceId: 'PC1' } },
  'token-revoked': { outcome: 'identity', identity: { userId: '@dr:northgate.nhs.uk', deviceId: 'OLD-PC' } },
  'token-laptop': { outcome: 'identity', identity: { userId: '@dr:northgate.nhs.uk', deviceId: 'LAPTOP' } },
};
const deviceStatus: Record<string, DeviceStatus> = { PC1: 'active', 'OLD-PC': 'revoked' };

describe('client gateway', () => {
  const seen: Seen[] = [];
  const audit: AuditEntry[] = [];
  const discarded: string[] = [];
  const reported: string[] = [];
  const whoAmIAsked: string[] = [];
  const staffSearches: string[] = [];
  const loginAnswer = { user_id: '@dr:northgate.nhs.uk', access_token: 'new-token', device_id: 'PC1' };
  const standIn = createServer((request, response) => {
    void bodyOf(request).then((raw) => {
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        body: raw.toString('utf8'),
        raw,
        contentType: request.headers['content-type'],
      });
      response.writeHead(200, { 'content-type': 'application/json', server: 'Synapse/1.160.0' });
      response.end(
        JSON.stringify(request.url?.includes('/login') ? loginAnswer : { room_id: '!new:northgate.nhs.uk' }),
      );
    });
  });
  let gatewayUrl = '';
  let downGatewayUrl = '';
  const servers: Server[] = [];
  const metrics = createGatewayMetrics();

  function gatewayFor(upstream: string, proxy?: SynapseProxy): Server {
    const log = pino({ level: 'silent' });
    const app = createClientGateway({
      policy: testPolicy,
      allowedPartners: () => ['southmere.nhs.uk'],
      partnerTrusts: () => [{ serverName: 'southmere.nhs.uk', name: 'Southmere NHS Trust' }],
      staff: {
        search: (search) => {
          staffSearches.push(search.term);
          return Promise.resolve([
            {
              userId: '@nurse:northgate.nhs.uk',
              displayName: 'Nurse',
              role: 'Ward Sister',
              department: 'Ward 7',
            },
          ]);
        },
      },
      proxy:
        proxy ??
        createSynapseProxy(upstream, {
          log,
          onFailure: () => {
            metrics.upstreamFailures.inc({ api: 'client' });
          },
        }),
      audit: {
        record: (entry) => {
          audit.push(entry);
          return Promise.resolve();
        },
      },
      whoAmI: (token) => {
        whoAmIAsked.push(token);
        return Promise.resolve(owners[token] ?? { outcome: 'unknown-token', softLogout: false });
      },
      devices: { status: (deviceId) => deviceStatus[deviceId] ?? 'unknown-device' },
      discardToken: (token) => {
        discarded.push(token);
        return Promise.resolve();
      },
      expiryReports: {
        record: (userId, deviceId) => {
          reported.push(`${userId} ${deviceId}`);
          return Promise.resolve(new Date(Date.UTC(2026, 0, 1)));
        },
      },
      signOutSession: () => Promise.resolve({ outcome: 'signed-out' }),
      legalHolds: {
        joinedRooms: () => Promise.resolve({ outcome: 'rooms', roomIds: ['!ward7:northgate.nhs.uk'] }),
        heldRooms: (roomIds) => Promise.resolve([...roomIds]),
      },
      enrolment: {
        checkLogin: (deviceId, credential) =>
          Promise.resolve(
            deviceId === 'PC1' && credential === 'cred-pc1'
              ? { ok: true }
              : { ok: false, code: 'DEVICE_NOT_ENROLLED', message: 'This device is not enrolled.' },
          ),
        recordLogin: () => Promise.resolve(),
        deviceOfCredential: () => Promise.resolve(undefined),
        redeemCode: (deviceId, code) =>
          Promise.resolve(
            code === 'GOOD'
              ? { ok: true, deviceId: deviceId || 'WARD-PC', credential: 'c'.repeat(43) }
              : { ok: false, code: 'BAD_CODE', message: 'bad code' },
          ),
      },
      maxJsonBodyBytes: 4096,
      // Unit test only: the address comes from a test header, so one test can act as two clients.
      clientAddress: (request) => {
        const address = request.headers['x-test-client'];
        return typeof address === 'string' ? address : '127.0.0.1';
      },
      failedAttemptLimit: { failures: 3, windowMs: 60_000 },
      metrics,
      log,
    });
    const server = createServer(app);
    servers.push(server);
    return server;
  }

  beforeAll(async () => {
    const upstream = await listen(standIn);
    gatewayUrl = await listen(gatewayFor(upstream));
    // A port with nothing behind it: the homeserver is down.
    const closed = createServer();
    const closedUrl = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    downGatewayUrl = await listen(gatewayFor(closedUrl));
  });

  beforeEach(() => {
    seen.length = 0;
    audit.length = 0;
    discarded.length = 0;
    whoAmIAsked.length = 0;
  });

  afterAll(async () => {
    for (const server of [standIn, ...servers]) await new Promise((resolve) => server.close(resolve));
  });

  const call = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${gatewayUrl}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  const post = (path: string, body: string, token = 'token-pc1') =>
    call(path, { method: 'POST', body, token });
  const refusalsBy = async (rule: string) =>
    (await metrics.refusals.get()).values.find((value) => value.labels.rule === rule)?.value ?? 0;

  it('refuses what the route table does not hold, forwarding nothing, whatever prefix or spelling', async () => {
    for (const [method, path, status] of [
      ['POST', '/_matrix/client/api/v1/login', 404],
      ['POST', '/_matrix/client/r0/createRoom', 404],
      ['PUT', '/_matrix/client/v3/createRoom/txn1', 404],
      ['POST', '/_matrix/client/v3/rooms/!r:x/send/m.room.message', 404],
      ['PUT', '/_matrix/client/v3/rooms/!r:x/invite/txn1', 404],
      ['POST', '/_matrix/client/v3/rooms/!r:x/redact/$e', 404],
      ['POST', '/_matrix/client/v3/room_keys/version', 405],
      ['PUT', '/_matrix/client/v3/room_keys/keys', 404],
      ['GET', '/_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device', 404],
      ['POST', '/_matrix/client/v3/Createroom', 404],
      ['POST', '/_matrix/client/v3/%63reateRoom', 404],
      ['POST', '/_matrix/client/v3//createRoom', 404],
      ['POST', '/_matrix/client/v3/createRoom/', 404],
      ['PUT', '/_matrix/client/v3/profile/@a:x/notes', 404],
      ['PUT', '/_matrix/client/v3/directory/list/room/!r:x', 404],
      ['GET', '/_synapse/admin/v2/users', 404],
      ['POST', '/_matrix/client/v3/register?kind=guest', 404],
    ] as const) {
      const response = await call(path, {
        method,
        token: 'token-pc1',
        ...(method === 'GET' ? {} : { body: '{}' }),
      });
      expect(response.status, `${method} ${path}`).toBe(status);
      expect(await response.json(), path).toMatchObject({
        errcode: 'M_UNRECOGNIZED',
        'uk.nhs.bleep.rule': 'default-deny',
      });
    }
    expect(seen).toEqual([]);
  });

  it('answers a known path with a method it does not take with 405', async () => {
    const response = await call('/_matrix/client/v3/sync', { method: 'DELETE', token: 'token-pc1' });
    expect(response.status).toBe(405);
    expect(seen).toEqual([]);
  });

  it('audits a refused request with the name behind its session, and counts it', async () => {
    await call('/_synapse/admin/v2/users', { token: 'token-pc1' });
    expect(audit.at(-1)).toMatchObject({
      action: 'refuse:unrecognised',
      actor: '@dr:northgate.nhs.uk',
      device: 'PC1',
    });
    const counted = await metrics.refusals.get();
    expect(counted.values).toEqual(
      expect.arrayContaining([expect.objectContaining({ labels: { api: 'client', rule: 'default-deny' } })]),
    );
  });

  it('forwards only sessions of desktops enrolled now', async () => {
    expect((await call('/_matrix/client/v3/sync', { token: 'token-pc1' })).status).toBe(200);
    expect(seen).toHaveLength(1);
    for (const token of ['token-revoked', 'token-laptop']) {
      const response = await call('/_matrix/client/v3/sync', { token });
      expect(response.status, token).toBe(401);
      // One answer for revoked and never-enrolled devices.
      expect(await response.json(), token).toEqual({
        errcode: 'M_UNKNOWN_TOKEN',
        error: expect.stringContaining('not enrolled') as string,
        'uk.nhs.bleep.rule': 'device-enrolment',
      });
    }
    expect((await call('/_matrix/client/v3/sync')).status).toBe(401);
    expect((await call('/_matrix/client/v3/sync', { token: 'nobody' })).status).toBe(401);
    expect(seen).toHaveLength(1);
  });

  it('reads the token where Synapse reads it, and refuses a second one beside it', async () => {
    expect((await call('/_matrix/client/v3/sync?access_token=token-pc1')).status).toBe(200);
    const mixed = await call('/_matrix/client/v3/sync?access_token=token-revoked', { token: 'token-pc1' });
    expect(mixed.status).toBe(401);
    const twice = await call('/_matrix/client/v3/sync?access_token=token-pc1&access_token=token-revoked');
    expect(twice.status).toBe(401);
    const lowercase = await call('/_matrix/client/v3/sync', {
      headers: { authorization: 'bearer token-pc1' },
    });
    expect(lowercase.status).toBe(401);
    expect(seen).toHaveLength(1);
  });

  it('refuses form-encoded bodies, whose fields Synapse would read as query parameters, however the type is spelt', async () => {
    for (const type of [
      'application/x-www-form-urlencoded',
      '=?utf-8?b?YXBwbGljYXRpb24veC13d3ctZm9ybS11cmxlbmNvZGVk?=',
    ]) {
      const response = await call('/_matrix/media/v3/upload', {
        method: 'POST',
        token: 'token-pc1',
        headers: { 'content-type': type },
        body: 'access_token=token-revoked',
      });
      expect(response.status, type).toBe(400);
      expect(await response.json(), type).toMatchObject({ 'uk.nhs.bleep.rule': 'plain-content-type' });
    }
    expect(seen).toEqual([]);
  });

  it('sends a body it read on to Synapse as application/json, whatever type the client named', async () => {
    const response = await call('/_matrix/client/v3/createRoom', {
      method: 'POST',
      token: 'token-pc1',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ name: 'Ward 12' }),
    });
    expect(response.status).toBe(200);
    expect(seen.at(-1)?.contentType).toBe('application/json');
  });

  it('limits failed enrolment attempts per address, counting only failures', async () => {
    const enrol = (code: string, client: string) =>
      fetch(`${gatewayUrl}/_bleep/enrol`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test-client': client },
        body: JSON.stringify({ device_id: 'WARD-PC', code }),
      });
    // Desktops enrolling successfully never use up the allowance.
    for (let attempt = 0; attempt < 5; attempt += 1)
      expect((await enrol('GOOD', '10.0.0.1')).status).toBe(200);
    for (let attempt = 0; attempt < 3; attempt += 1)
      expect((await enrol('WRONG', '10.0.0.1')).status).toBe(403);
    const limited = await enrol('WRONG', '10.0.0.1');
    expect(limited.status).toBe(429);
    const body = (await limited.json()) as { errcode: string; retry_after_ms: number };
    expect(body.errcode).toBe('M_LIMIT_EXCEEDED');
    expect(body.retry_after_ms).toBeGreaterThan(0);
    expect(body.retry_after_ms).toBeLessThanOrEqual(60_000);
    // Until the window passes, even a right code waits: the address has used its allowance.
    expect((await enrol('GOOD', '10.0.0.1')).status).toBe(429);
    // Another desktop is not held back by this address's failures.
    expect((await enrol('WRONG', '10.0.0.2')).status).toBe(403);
    expect((await metrics.refusals.get()).values).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { api: 'client', rule: 'enrolment-rate-limit' }, value: 2 }),
      ]),
    );
  });

  it('counts guesses of a code alone against the same allowance as guesses naming a device', async () => {
    const enrol = (body: object) =>
      fetch(`${gatewayUrl}/_bleep/enrol`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test-client': '10.0.0.30' },
        body: JSON.stringify(body),
      });
    const enrolled = await enrol({ code: 'GOOD' });
    expect(enrolled.status).toBe(200);
    expect(await enrolled.json()).toEqual({ device_id: 'WARD-PC', credential: 'c'.repeat(43) });
    expect((await enrol({ code: 'WRONG' })).status).toBe(403);
    expect((await enrol({ device_id: 'WARD-PC', code: 'WRONG' })).status).toBe(403);
    expect((await enrol({ code: 'WRONG-AGAIN' })).status).toBe(403);
    // Three failures of either kind use the allowance up, for both kinds.
    expect((await enrol({ code: 'WRONG' })).status).toBe(429);
    expect((await enrol({ code: 'GOOD' })).status).toBe(429);
    expect((await enrol({ device_id: 'WARD-PC', code: 'GOOD' })).status).toBe(429);
  });

  it('searches the staff directory for an enrolled desktop with its credential, under its one spelling only', async () => {
    // Sent as written: fetch would resolve "." and ".." segments before sending.
    const search = (path: string, method = 'POST') =>
      new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const outgoing = request(
          {
            host: '127.0.0.1',
            port: Number(new URL(gatewayUrl).port),
            path,
            method,
            // A connection each: a refusal answered before its body was read closes the connection.
            agent: false,
            headers: {
              authorization: 'Bearer token-pc1',
              'x-bleep-device-credential': 'cred-pc1',
              'content-type': 'application/json',
            },
          },
          (answer) => {
            void bodyOf(answer).then((raw) => {
              resolve({ status: answer.statusCode ?? 0, body: JSON.parse(raw.toString('utf8')) as unknown });
            });
          },
        );
        outgoing.on('error', reject);
        outgoing.end(JSON.stringify({ term: 'ward', limit: 5 }));
      });
    const found = await search('/_bleep/staff/search');
    expect(found.status).toBe(200);
    expect(found.body).toEqual({
      results: [
        {
          user_id: '@nurse:northgate.nhs.uk',
          display_name: 'Nurse',
          role: 'Ward Sister',
          department: 'Ward 7',
        },
      ],
    });
    for (const path of [
      '/_bleep/Staff/search',
      '/_bleep/STAFF/SEARCH',
      '/_bleep/staff/search/',
      '/_bleep/staff//search',
      '/_bleep//staff/search',
      '/_bleep/staff/./search',
      '/_bleep/staff/x/../search',
      '/_bleep/staff%2Fsearch',
      '/_bleep/staff/%73earch',
      '/_bleep/staff/search%00',
      '/_bleep/staff/search;x',
      '/_bleep/staff',
    ]) {
      const refused = await search(path);
      expect(refused.status, path).toBe(404);
      expect(refused.body, path).toMatchObject({ 'uk.nhs.bleep.rule': 'default-deny' });
    }
    for (const method of ['GET', 'PUT', 'DELETE']) {
      expect((await search('/_bleep/staff/search', method)).status, method).toBe(404);
    }
    expect(staffSearches).toEqual(['ward']);
    expect(seen).toEqual([]);
  });

  it('audits an enrolment with an unreadable body and answers 400', async () => {
    const response = await fetch(`${gatewayUrl}/_bleep/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-client': '10.0.0.3' },
      body: '{"device_id": "PC\\u0000", "code": "x"}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errcode: 'M_BAD_JSON' });
    expect(audit.at(-1)).toMatchObject({ action: 'enrol', result: 'refused: M_BAD_JSON' });
  });

  it('limits refused sign-ins per address', async () => {
    // The counter is shared with this block's other tests: this test counts its own refusal.
    const limitedBefore = await refusalsBy('sign-in-rate-limit');
    const login = () =>
      fetch(`${gatewayUrl}/_matrix/client/v3/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test-client': '10.0.0.9' },
        body: JSON.stringify({ type: 'm.login.password', device_id: 'MY-LAPTOP' }),
      });
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await login()).status).toBe(403);
    const limited = await login();
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ errcode: 'M_LIMIT_EXCEEDED' });
    expect(await refusalsBy('sign-in-rate-limit')).toBe(limitedBefore + 1);
  });

  it('refuses a sign-in from a device that is not enrolled without asking the homeserver, and audits it', async () => {
    const response = await post(
      '/_matrix/client/v3/login',
      JSON.stringify({ type: 'm.login.password', device_id: 'LAPTOP' }),
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      errcode: 'M_FORBIDDEN',
      'uk.nhs.bleep.rule': 'device-enrolment',
    });
    expect(seen).toEqual([]);
    expect(audit.at(-1)).toMatchObject({ action: 'refuse:login', device: 'LAPTOP' });
  });

  it('audits a sign-in whose device id holds a NUL, and answers 400', async () => {
    const response = await post(
      '/_matrix/client/v3/login',
      '{"type":"m.login.password","device_id":"PC1\\u0000"}',
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errcode: 'M_BAD_JSON' });
    expect(audit.at(-1)).toMatchObject({ action: 'refuse:login' });
    expect(seen).toEqual([]);
  });

  it('lets an enrolled desktop sign in, and takes back a token whose desktop was revoked meanwhile', async () => {
    const signIn = () =>
      call('/_matrix/client/v3/login', {
        method: 'POST',
        headers: { 'x-bleep-device-credential': 'cred-pc1' },
        body: JSON.stringify({ type: 'm.login.password', device_id: 'PC1' }),
      });
    const ok = await signIn();
    expect(ok.status).toBe(200);
    expect(ok.headers.get('server')).toBeNull();
    expect(audit.at(-1)).toMatchObject({ action: 'login', result: 'ok', device: 'PC1' });
    deviceStatus.PC1 = 'revoked';
    try {
      const late = await signIn();
      expect(late.status).toBe(401);
      expect(discarded).toEqual(['new-token']);
      expect(audit.at(-1)).toMatchObject({ action: 'refuse:login', device: 'PC1' });
    } finally {
      deviceStatus.PC1 = 'active';
    }
  });

  it('answers bad JSON with a 400 and forwards nothing', async () => {
    const cases: [string, string][] = [
      ['{"name": ', 'M_NOT_JSON'],
      ['{"name": "a\\u0000b"}', 'M_BAD_JSON'],
      ['{"name": "\\ud800"}', 'M_BAD_JSON'],
      ['{"na\\u0000me": "x"}', 'M_BAD_JSON'],
      [`${'['.repeat(20_000)}${']'.repeat(20_000)}`, 'M_TOO_LARGE'],
      [`{"name": ${'['.repeat(100)}${']'.repeat(100)}}`, 'M_BAD_JSON'],
    ];
    for (const [body, errcode] of cases) {
      const response = await post('/_matrix/client/v3/createRoom', body);
      expect(response.status, body.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(response.status, body.slice(0, 40)).toBeLessThan(500);
      expect(await response.json(), body.slice(0, 40)).toMatchObject({ errcode });
    }
    const notUtf8 = await fetch(`${gatewayUrl}/_matrix/client/v3/createRoom`, {
      method: 'POST',
      headers: { authorization: 'Bearer token-pc1' },
      body: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
    });
    expect(notUtf8.status).toBe(400);
    expect(seen).toEqual([]);
  });

  it('answers a path parameter it cannot read the way Synapse would with 400', async () => {
    for (const path of [
      '/_matrix/client/v3/rooms/%E0%A4%A/send/m.room.encrypted/1',
      '/_matrix/client/v3/rooms/!r%00:x/send/m.room.encrypted/1',
      '/_matrix/client/v3/rooms/!r:x/send/m.room.encrypted/%ED%A0%80',
    ]) {
      const response = await call(path, { method: 'PUT', token: 'token-pc1', body: '{}' });
      expect(response.status, path).toBe(400);
      expect(await response.json(), path).toMatchObject({ errcode: 'M_INVALID_PARAM' });
    }
    expect(seen).toEqual([]);
  });

  it('forwards the rewritten body of an allowed request, without naming the homeserver', async () => {
    const response = await post(
      '/_matrix/client/v3/createRoom',
      JSON.stringify({ name: 'Ward 12', preset: 'public_chat' }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('server')).toBeNull();
    expect(JSON.parse(seen.at(-1)?.body ?? '{}')).toMatchObject({
      preset: 'private_chat',
      visibility: 'private',
    });
  });

  it('answers with 502 M_UNKNOWN when the homeserver is down, for streamed and inspected requests alike', async () => {
    const down = (path: string, init: RequestInit = {}) =>
      fetch(`${downGatewayUrl}${path}`, { ...init, headers: { authorization: 'Bearer token-pc1' } });
    const streamed = await down('/_matrix/client/v3/sync');
    expect(streamed.status).toBe(502);
    expect(await streamed.json()).toMatchObject({ errcode: 'M_UNKNOWN' });
    expect((await down('/_matrix/client/v3/createRoom', { method: 'POST', body: '{}' })).status).toBe(502);
    const signIn = await fetch(`${downGatewayUrl}/_matrix/client/v3/login`, {
      method: 'POST',
      headers: { 'x-bleep-device-credential': 'cred-pc1' },
      body: JSON.stringify({ type: 'm.login.password', device_id: 'PC1' }),
    });
    expect(signIn.status).toBe(502);
    const failures = await metrics.upstreamFailures.get();
    expect(failures.values.find((value) => value.labels.api === 'client')?.value).toBeGreaterThanOrEqual(3);
  });

  it('answers finding the server and reading the sign-in flows without a session', async () => {
    expect((await fetch(`${gatewayUrl}/_matrix/client/versions`)).status).toBe(200);
    expect((await fetch(`${gatewayUrl}/_matrix/client/v3/login`)).status).toBe(200);
    expect(seen.map((each) => `${each.method} ${each.url}`)).toEqual([
      'GET /_matrix/client/versions',
      'GET /_matrix/client/v3/login',
    ]);
  });

  it("answers a CORS preflight itself, for the table's paths and Bleep's own, allowing the credential header", async () => {
    for (const path of [
      '/_matrix/client/v3/sync',
      '/_matrix/client/v3/login',
      '/_bleep/enrol',
      '/_bleep/policy',
      '/_bleep/staff/search',
    ]) {
      const response = await fetch(`${gatewayUrl}${path}`, { method: 'OPTIONS' });
      expect(response.status, path).toBe(204);
      expect(response.headers.get('access-control-allow-origin'), path).toBe('*');
      expect(response.headers.get('access-control-allow-headers'), path).toContain(
        'X-Bleep-Device-Credential',
      );
    }
    expect(seen).toEqual([]);
    // A path outside the table stays refused, and says so to any origin.
    const unknown = await fetch(`${gatewayUrl}/_bleep/nothing-here`, { method: 'OPTIONS' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('access-control-allow-origin')).toBe('*');
    const policy = await fetch(`${gatewayUrl}/_bleep/policy`);
    expect(policy.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('streams a media upload to Synapse unread, byte for byte', async () => {
    const file = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe, 0x7b]);
    const response = await fetch(`${gatewayUrl}/_matrix/media/v3/upload?filename=scan.png`, {
      method: 'POST',
      headers: { authorization: 'Bearer token-pc1', 'content-type': 'image/png' },
      body: file,
    });
    expect(response.status).toBe(200);
    expect(seen.at(-1)?.raw).toEqual(file);
  });

  it('refuses an upload whose file name holds an NHS number, though its content is never read', async () => {
    const response = await fetch(`${gatewayUrl}/_matrix/media/v3/upload?filename=bed4-9434765919.png`, {
      method: 'POST',
      headers: { authorization: 'Bearer token-pc1', 'content-type': 'image/png' },
      body: Buffer.from([0x89, 0x50]),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ 'uk.nhs.bleep.rule': 'no-patient-identifiers' });
    expect(seen).toEqual([]);
  });

  it('refuses, before the enrolment check and Synapse, a sign-in whose body a policy rule refuses', async () => {
    const response = await fetch(`${gatewayUrl}/_matrix/client/v3/login`, {
      method: 'POST',
      headers: { 'x-bleep-device-credential': 'cred-pc1', 'x-test-client': '10.0.1.1' },
      body: JSON.stringify({
        type: 'm.login.password',
        device_id: 'PC1',
        initial_device_display_name: 'Bed 4 943 476 5919',
      }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ 'uk.nhs.bleep.rule': 'no-patient-identifiers' });
    expect(seen).toEqual([]);
    expect(audit.at(-1)).toMatchObject({ action: 'refuse:login', device: 'PC1' });
  });

  it("serves its health and the client's view of the policy itself, naming no software, and nothing else under /_bleep", async () => {
    const health = await fetch(`${gatewayUrl}/_bleep/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(health.headers.get('x-powered-by')).toBeNull();
    const policy = await fetch(`${gatewayUrl}/_bleep/policy`);
    expect(await policy.json()).toMatchObject({
      version: 1,
      trust: { serverName: 'northgate.nhs.uk' },
      partners: ['southmere.nhs.uk'],
      partnerTrusts: [{ serverName: 'southmere.nhs.uk', name: 'Southmere NHS Trust' }],
      keyBackupAllowed: false,
    });
    const unknown = await fetch(`${gatewayUrl}/_bleep/admin`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      errcode: 'M_UNRECOGNIZED',
      'uk.nhs.bleep.rule': 'default-deny',
    });
    expect(seen).toEqual([]);
  });

  it("takes an enrolled desktop's expiry report itself, forwarding nothing, and refuses a revoked desktop's", async () => {
    reported.length = 0;
    const accepted = await post('/_bleep/expiry-report', '{"oldest_ts":null,"swept_at":1}');
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({
      next_report_due_ts: Date.UTC(2026, 0, 1) + testPolicy.retention.expiryReportHours * 3_600_000,
    });
    const revoked = await post('/_bleep/expiry-report', '{"oldest_ts":null,"swept_at":1}', 'token-revoked');
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ 'uk.nhs.bleep.rule': 'device-enrolment' });
    expect(reported).toEqual(['@dr:northgate.nhs.uk PC1']);
    expect(seen).toEqual([]);
  });

  it('asks Synapse who is behind a request outside the table only when it carries a token', async () => {
    await call('/_synapse/admin/v2/users');
    expect(whoAmIAsked).toEqual([]);
    expect(audit.at(-1)).toMatchObject({ action: 'refuse:unrecognised', actor: null, device: null });
    await call('/_synapse/admin/v2/users', { token: 'nobody' });
    expect(whoAmIAsked).toEqual(['nobody']);
    expect(audit.at(-1)).toMatchObject({ actor: null });
  });

  it('audits every refusal with what was asked, who asked and in which room', async () => {
    await call('/_matrix/client/v3/rooms/!r%00:x/send/m.room.encrypted/1', {
      method: 'PUT',
      token: 'token-pc1',
      body: '{}',
    });
    await call('/_matrix/client/v3/sync', { token: 'token-revoked' });
    await post('/_matrix/client/v3/createRoom', '{"name": ');
    await call('/_matrix/client/v3/rooms/!r:x/send/m.room.message/t1', {
      method: 'PUT',
      token: 'token-pc1',
      body: JSON.stringify({ msgtype: 'm.text', body: 'hello' }),
    });
    expect(audit).toEqual([
      expect.objectContaining({ action: 'refuse:unrecognised', actor: null, room: null }),
      expect.objectContaining({ action: 'refuse:sync', actor: '@dr:northgate.nhs.uk', device: 'OLD-PC' }),
      expect.objectContaining({ action: 'refuse:createRoom', actor: '@dr:northgate.nhs.uk', device: 'PC1' }),
      expect.objectContaining({
        action: 'refuse:sendEvent',
        actor: '@dr:northgate.nhs.uk',
        room: '!r:x',
        result: '403 M_FORBIDDEN (e2ee-only)',
      }),
    ]);
    expect(seen).toEqual([]);
  });

  it("counts each request by the route it reached, sign-ins and Bleep's own routes included", async () => {
    await call('/_matrix/client/v3/joined_rooms', { token: 'token-pc1' });
    await post('/_bleep/expiry-report', '{"oldest_ts":null,"swept_at":1}');
    await call('/_bleep/legal-holds', { token: 'token-pc1' });
    await fetch(`${gatewayUrl}/_matrix/client/v3/login`, {
      method: 'POST',
      headers: { 'x-bleep-device-credential': 'cred-pc1' },
      body: JSON.stringify({ type: 'm.login.password', device_id: 'PC1' }),
    });
    const counted = (await metrics.requests.get()).values.map((value) => value.labels);
    expect(counted).toEqual(
      expect.arrayContaining([
        { api: 'client', kind: 'joinedRooms' },
        { api: 'client', kind: 'login' },
        { api: 'client', kind: 'expiryReport' },
        { api: 'client', kind: 'legalHolds' },
      ]),
    );
  });
});

describe('client gateway, when handling a request fails', () => {
  const metrics = createGatewayMetrics();
  let failure: (response: ServerResponse) => Promise<void> = () => Promise.resolve();
  const failing: SynapseProxy = {
    forward: (_request, response) => failure(response),
    exchange: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  };
  let server: Server;
  let url = '';

  beforeAll(async () => {
    const log = pino({ level: 'silent' });
    server = createServer(
      createClientGateway({
        policy: testPolicy,
        allowedPartners: () => [],
        partnerTrusts: () => [],
        proxy: failing,
        // Bleep's database is down: nothing can be audited (only refusals are, and these tests make none but one).
        audit: { record: () => Promise.reject(new Error('the audit database is down')) },
        whoAmI: (token) => Promise.resolve(owners[token] ?? { outcome: 'unknown-token', softLogout: false }),
        devices: { status: (deviceId) => deviceStatus[deviceId] ?? 'unknown-device' },
        discardToken: () => Promise.resolve(),
        expiryReports: { record: () => Promise.reject(new Error('not used')) },
        signOutSession: () => Promise.reject(new Error('not used')),
        legalHolds: {
          joinedRooms: () => Promise.resolve({ outcome: 'rooms', roomIds: [] }),
          heldRooms: () => Promise.resolve([]),
        },
        enrolment: {
          checkLogin: () => Promise.resolve({ ok: true }),
          recordLogin: () => Promise.resolve(),
          deviceOfCredential: () => Promise.resolve(undefined),
          redeemCode: () => Promise.reject(new Error('the enrolment database is down')),
        },
        maxJsonBodyBytes: 4096,
        clientAddress: () => '127.0.0.1',
        failedAttemptLimit: { failures: 100, windowMs: 60_000 },
        metrics,
        log,
      }),
    );
    url = `${await listen(server)}/_matrix/client/v3/sync`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const sync = () => fetch(url, { headers: { authorization: 'Bearer token-pc1' } });
  const counted = async (counter: 'gatewayErrors' | 'upstreamFailures') =>
    (await metrics[counter].get()).values.find((value) => value.labels.api === 'client')?.value ?? 0;

  // The counters are the describe block's, shared by its tests: each test counts what it added.
  it('answers 500 M_UNKNOWN for a failure of its own, and counts it', async () => {
    const errorsBefore = await counted('gatewayErrors');
    failure = () => Promise.reject(new TypeError('a bug'));
    const response = await sync();
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      errcode: 'M_UNKNOWN',
      error: 'The Bleep gateway failed to handle this request',
    });
    expect(await counted('gatewayErrors')).toBe(errorsBefore + 1);
  });

  it('answers 502 for a homeserver it could not reach, and counts that apart', async () => {
    const failuresBefore = await counted('upstreamFailures');
    const errorsBefore = await counted('gatewayErrors');
    for (const error of [
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('other side closed'), { name: 'SocketError' }),
    ]) {
      failure = () => Promise.reject(error);
      const response = await sync();
      expect(response.status, error.message).toBe(502);
      expect(await response.json(), error.message).toMatchObject({ errcode: 'M_UNKNOWN' });
    }
    expect(await counted('upstreamFailures')).toBe(failuresBefore + 2);
    expect(await counted('gatewayErrors')).toBe(errorsBefore);
  });

  it('answers 500 when the enrolment store fails, rather than leave the desktop waiting', async () => {
    const response = await fetch(url.replace('/_matrix/client/v3/sync', '/_bleep/enrol'), {
      method: 'POST',
      body: JSON.stringify({ device_id: 'WARD-PC', code: 'ABCD-EFGH-JKMN-PQRS' }),
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ errcode: 'M_UNKNOWN' });
  });

  it('answers 503 when the expiry report store fails (the desktop sends it again later), never leaving it waiting', async () => {
    const errorsBefore = await counted('gatewayErrors');
    const response = await fetch(url.replace('/_matrix/client/v3/sync', '/_bleep/expiry-report'), {
      method: 'POST',
      headers: { authorization: 'Bearer token-pc1' },
      body: '{"oldest_ts":null,"swept_at":1}',
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ errcode: 'M_UNKNOWN' });
    expect(await counted('gatewayErrors')).toBe(errorsBefore + 1);
  });

  it('answers 500 when a legal holds refusal cannot be audited, rather than leave the desktop waiting', async () => {
    const errorsBefore = await counted('gatewayErrors');
    const response = await fetch(url.replace('/_matrix/client/v3/sync', '/_bleep/legal-holds'), {
      headers: { authorization: 'Bearer token-nobody' },
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ errcode: 'M_UNKNOWN' });
    expect(await counted('gatewayErrors')).toBe(errorsBefore + 1);
  });

  it('answers a Matrix error thrown on the way as it is', async () => {
    failure = () => Promise.reject(new MatrixError(429, 'M_LIMIT_EXCEEDED', 'slow down'));
    const response = await sync();
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({ errcode: 'M_LIMIT_EXCEEDED', error: 'slow down' });
  });

  it('cuts the connection when it fails after the answer began, rather than append an error to it', async () => {
    failure = async (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"next_batch":');
      // The status and the first bytes are on their way before the failure.
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('broke mid-answer');
    };
    const response = await sync();
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });
});
