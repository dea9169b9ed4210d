// Unit test of the client gateway's handling of bad input and a homeserver that is down. Synapse here is a
// stand-in HTTP server that records what reaches it (unit test only; the integration tests use real Synapse).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from './auditSink.ts';
import { createClientGateway } from './createClientGateway.ts';
import { createGatewayMetrics } from './gatewayMetrics.ts';
import { testPolicy } from './rules/ruleTestContext.ts';
import { createSynapseProxy } from './synapseProxy.ts';

type Seen = { method: string; url: string; body: string };

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe('client gateway: bad input and faults', () => {
  const seen: Seen[] = [];
  const audit: AuditEntry[] = [];
  const standIn = createServer((request, response) => {
    void bodyOf(request).then((body) => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', body });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ room_id: '!new:northgate.nhs.uk' }));
    });
  });
  let gatewayUrl = '';
  let downGatewayUrl = '';
  const servers: Server[] = [];
  const metrics = createGatewayMetrics();

  function gatewayFor(upstream: string): Server {
    const log = pino({ level: 'silent' });
    const app = createClientGateway({
      policy: testPolicy,
      allowedPartners: () => ['southmere.nhs.uk'],
      findNhsNumbers: (text) => (text.includes('9434765919') ? ['9434765919'] : []),
      proxy: createSynapseProxy(upstream, { log }),
      audit: {
        record: (entry) => {
          audit.push(entry);
          return Promise.resolve();
        },
      },
      whoAmI: () => Promise.resolve({ userId: '@dr:northgate.nhs.uk', deviceId: 'PC1' }),
      enrolment: {
        checkLogin: () =>
          Promise.resolve({
            ok: false,
            code: 'DEVICE_NOT_ENROLLED',
            message: 'This device is not enrolled.',
          }),
        recordLogin: () => Promise.resolve(),
        redeemCode: (_deviceId, code) =>
          Promise.resolve(
            code === 'GOOD'
              ? { ok: true, credential: 'c'.repeat(43) }
              : { ok: false, code: 'BAD_CODE', message: 'bad code' },
          ),
      },
      maxJsonBodyBytes: 1024,
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

  afterAll(async () => {
    for (const server of [standIn, ...servers]) await new Promise((resolve) => server.close(resolve));
  });

  const post = (base: string, path: string, body: string) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

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
  });

  it('limits refused sign-ins per address, however the login path is spelt', async () => {
    const login = (path: string) =>
      fetch(`${gatewayUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test-client': '10.0.0.9' },
        body: JSON.stringify({ type: 'm.login.password', device_id: 'MY-LAPTOP' }),
      });
    expect((await login('/_matrix/client/v3/login')).status).toBe(403);
    expect((await login('/_matrix/client/r0/login')).status).toBe(403);
    expect((await login('/_matrix/client/v3/%6Cogin')).status).toBe(403);
    const limited = await login('/_matrix/client/v3/login');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ errcode: 'M_LIMIT_EXCEEDED' });
  });

  it('answers malformed JSON with M_NOT_JSON and forwards nothing', async () => {
    const before = seen.length;
    const response = await post(gatewayUrl, '/_matrix/client/v3/createRoom', '{"name": ');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errcode: 'M_NOT_JSON' });
    expect(seen.length).toBe(before);
  });

  it('answers an oversized body with M_TOO_LARGE', async () => {
    const response = await post(
      gatewayUrl,
      '/_matrix/client/v3/createRoom',
      JSON.stringify({ name: 'x'.repeat(5000) }),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ errcode: 'M_TOO_LARGE' });
  });

  it('answers a broken path with a Matrix error', async () => {
    const response = await fetch(`${gatewayUrl}/_matrix/client/v3/rooms/%E0%A4%A/send/m.room.encrypted/1`, {
      method: 'PUT',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errcode: 'M_UNRECOGNIZED' });
  });

  it('hides the admin API and audits the attempt', async () => {
    const response = await fetch(`${gatewayUrl}/_synapse/admin/v2/users`);
    expect(response.status).toBe(404);
    expect(audit.at(-1)).toMatchObject({ action: 'refuse:synapseAdmin', actor: '@dr:northgate.nhs.uk' });
    const counted = await metrics.refusals.get();
    expect(counted.values).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { api: 'client', rule: 'synapseAdmin' }, value: 1 }),
      ]),
    );
  });

  it('forwards the rewritten body of an allowed request', async () => {
    const response = await post(
      gatewayUrl,
      '/_matrix/client/v3/createRoom',
      JSON.stringify({ name: 'Ward 12', preset: 'public_chat' }),
    );
    expect(response.status).toBe(200);
    expect(JSON.parse(seen.at(-1)?.body ?? '{}')).toMatchObject({
      preset: 'private_chat',
      visibility: 'private',
    });
  });

  it('refuses a login from a device that is not enrolled, without asking the homeserver', async () => {
    const before = seen.length;
    const response = await post(
      gatewayUrl,
      '/_matrix/client/v3/login',
      JSON.stringify({ type: 'm.login.password', device_id: 'LAPTOP' }),
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      errcode: 'M_FORBIDDEN',
      'uk.nhs.bleep.rule': 'device-enrolment',
    });
    expect(seen.length).toBe(before);
  });

  it('answers with 502 M_UNKNOWN when the homeserver is down, for streamed and inspected requests alike', async () => {
    const streamed = await fetch(`${downGatewayUrl}/_matrix/client/v3/sync`);
    expect(streamed.status).toBe(502);
    expect(await streamed.json()).toMatchObject({ errcode: 'M_UNKNOWN' });
    const inspected = await post(downGatewayUrl, '/_matrix/client/v3/createRoom', '{}');
    expect(inspected.status).toBe(502);
  });
});
