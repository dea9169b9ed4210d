// Unit test of the federation gateway's wiring: partners only, default deny, one unambiguous X-Matrix header,
// every transaction read whatever its framing, and plaintext reported only once Synapse has accepted it. Synapse
// here is a stand-in HTTP server that records what reaches it and answers when the test says so (unit test only;
// deploy/test/integration/ proves the same against the real Synapse, judged by what Synapse then holds).
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../audit/auditEntry.ts';
import { createGatewayMetrics } from '../gatewayMetrics.ts';
import { createSynapseProxy } from '../synapseProxy.ts';
import { createFederationHandler } from './createFederationGateway.ts';

type Seen = Readonly<{ method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }>;
type Answer = Readonly<{ status: number; body: unknown }>;
type Reply = Readonly<{ status: number; body: Record<string, unknown>; connection?: string }>;

const partner = 'southmere.nhs.uk';
const signed = (origin: string) =>
  `X-Matrix origin="${origin}",key="ed25519:a_1",sig="c2ln",destination="northgate.nhs.uk"`;
const room = '!referral:southmere.nhs.uk';

function transaction(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    origin: partner,
    origin_server_ts: 1,
    pdus: [
      { type: 'm.room.encrypted', room_id: room, content: { ciphertext: 'x' } },
      { type: 'm.room.message', room_id: room, content: { body: 'never read' } },
    ],
    edus: [],
    ...extra,
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function bodyOf(message: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of message as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

describe('federation gateway', () => {
  const seen: Seen[] = [];
  const audit: AuditEntry[] = [];
  const logLines: string[] = [];
  const metrics = createGatewayMetrics();
  /** How the stand-in answers a request it has read whole; the test may hold the answer back. */
  let answer: (request: Seen) => Promise<Answer> = () => Promise.resolve({ status: 200, body: { pdus: {} } });
  const standIn = createServer((request, response) => {
    void bodyOf(request).then(async (body) => {
      const entry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
      seen.push(entry);
      const { status, body: answerBody } = await answer(entry);
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answerBody));
    });
  });
  const servers: Server[] = [];
  /** Settles when the gateway has done all it will do for the latest request (its audit included). */
  let handled: Promise<void> = Promise.resolve();
  let gatewayUrl = '';
  let smallLimitGatewayUrl = '';

  function gatewayFor(upstream: string, maxTransactionBytes: number): Server {
    const log = pino({ level: 'info' }, { write: (line: string) => logLines.push(line) });
    const handle = createFederationHandler({
      allowedPartners: () => [partner],
      plaintextEventTypes: ['m.reaction'],
      maxTransactionBytes,
      proxy: createSynapseProxy(upstream, { log }),
      audit: {
        record: (entry) => {
          audit.push(entry);
          return Promise.resolve();
        },
      },
      metrics,
      log,
    });
    const server = createServer((request, response) => {
      handled = handle(request, response);
    });
    servers.push(server);
    return server;
  }

  beforeAll(async () => {
    const upstream = await listen(standIn);
    gatewayUrl = await listen(gatewayFor(upstream, 10 * 1024 * 1024));
    smallLimitGatewayUrl = await listen(gatewayFor(upstream, 64 * 1024));
  });

  beforeEach(() => {
    seen.length = 0;
    audit.length = 0;
    logLines.length = 0;
    answer = () => Promise.resolve({ status: 200, body: { pdus: {} } });
  });

  afterAll(async () => {
    for (const server of [standIn, ...servers]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  /** One request; headers as raw name/value pairs, so a test can repeat a header. A chunked body has no length. */
  function send(
    input: Readonly<{
      method: string;
      path: string;
      authorization?: readonly string[];
      body?: string | Buffer;
      chunked?: boolean;
      base?: string;
      /** Called once the request is sent; lets a test hang up before the answer. */
      sent?: (abort: () => void) => void;
    }>,
  ): Promise<Reply> {
    const url = new URL(input.path, input.base ?? gatewayUrl);
    const body = input.body === undefined ? undefined : Buffer.from(input.body);
    const headers = (input.authorization ?? [signed(partner)]).flatMap((value) => ['authorization', value]);
    // Raw headers carry no Host unless given one, and Node refuses HTTP/1.1 without it.
    headers.push('host', url.host, 'content-type', 'application/json');
    if (body && !input.chunked) headers.push('content-length', String(body.length));
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method: input.method,
          path: `${url.pathname}${url.search}`,
          headers,
        },
        (response) => {
          bodyOf(response)
            .then((text) => {
              resolve({
                status: response.statusCode ?? 0,
                body: JSON.parse(text.toString('utf8')) as Record<string, unknown>,
                ...(response.headers.connection ? { connection: response.headers.connection } : {}),
              });
            })
            .catch(reject);
        },
      );
      request.on('error', reject);
      if (body && input.chunked) {
        // Several chunks, so the gateway really reads a chunked stream.
        const third = Math.ceil(body.length / 3);
        for (let start = 0; start < body.length; start += third)
          request.write(body.subarray(start, start + third));
      }
      request.end(input.chunked ? undefined : body);
      input.sent?.(() => request.destroy());
    });
  }

  const putTransaction = (body: string | Buffer, more: Partial<Parameters<typeof send>[0]> = {}) =>
    send({ method: 'PUT', path: `/_matrix/federation/v1/send/t${String(Date.now())}`, body, ...more });

  const plaintextReports = () => audit.filter((entry) => entry.action === 'federation:plaintext-received');

  it('refuses a server that is not a partner, names it, and audits the refusal', async () => {
    const reply = await putTransaction(transaction(), { authorization: [signed('evil.example')] });
    expect({ status: reply.status, body: reply.body }).toEqual({
      status: 403,
      body: {
        errcode: 'M_FORBIDDEN',
        error: 'Federation denied with evil.example: it is not a partner of this trust',
        'uk.nhs.bleep.rule': 'federation-partners',
      },
    });
    expect(seen).toEqual([]);
    expect(audit).toEqual([
      {
        actor: 'evil.example',
        device: null,
        action: 'refuse:federation',
        room: null,
        result: '403 M_FORBIDDEN (federation-partners)',
        detail: { route: 'transaction' },
      },
    ]);
  });

  it("forwards a partner's request unchanged, signature included", async () => {
    const path = '/_matrix/federation/v1/state_ids/!referral%3Asouthmere.nhs.uk?event_id=%24e';
    const reply = await send({ method: 'GET', path });
    expect(reply.status).toBe(200);
    expect(seen).toMatchObject([{ method: 'GET', url: path, headers: { authorization: signed(partner) } }]);
    expect(audit).toEqual([]);
  });

  it("keeps this server's keys and version open to anyone, unsigned, without naming its software", async () => {
    expect((await send({ method: 'GET', path: '/_matrix/key/v2/server', authorization: [] })).status).toBe(
      200,
    );
    expect(seen.map((entry) => entry.url)).toEqual(['/_matrix/key/v2/server']);
    const version = await send({ method: 'GET', path: '/_matrix/federation/v1/version', authorization: [] });
    expect(version).toMatchObject({ status: 200, body: { server: { name: 'Bleep' } } });
    expect(JSON.stringify(version.body)).not.toMatch(/synapse|\d+\.\d+/i);
  });

  it('refuses what the route table does not hold, even from a partner: 404, counted and logged, not audited', async () => {
    const before =
      (await metrics.refusals.get()).values.find((value) => value.labels.rule === 'default-deny')?.value ?? 0;
    for (const [method, path, status] of [
      ['GET', '/_matrix/federation/v1/publicRooms', 404],
      ['GET', '/_matrix/federation/v1/openid/userinfo?access_token=t', 404],
      ['POST', '/_matrix/key/v2/query', 404],
      ['GET', '/_matrix/media/v3/download/northgate.nhs.uk/abc', 404],
      ['PUT', '/_matrix/federation/v1/send_join/!r:x/$e', 404],
      ['GET', '/_synapse/admin/v1/users', 404],
      ['GET', '/_matrix/federation/v1/send/t1', 405],
    ] as const) {
      const reply = await send({ method, path, ...(method === 'GET' ? {} : { body: '{}' }) });
      expect(reply, `${method} ${path}`).toMatchObject({
        status,
        body: { errcode: 'M_UNRECOGNIZED', 'uk.nhs.bleep.rule': 'default-deny' },
      });
    }
    expect(seen).toEqual([]);
    expect(audit).toEqual([]);
    // A partner's next request may use the same connection: nothing of the refused one is left unread.
    expect((await send({ method: 'GET', path: '/_matrix/federation/v1/publicRooms' })).connection).toBe(
      'keep-alive',
    );
    const after = (await metrics.refusals.get()).values.find(
      (value) => value.labels.api === 'federation' && value.labels.rule === 'default-deny',
    )?.value;
    expect(after).toBe(before + 8);
    const refusals = logLines.filter((line) => line.includes('federation request refused'));
    expect(refusals).toHaveLength(8);
    // The log names the door, never the query string (openid's access_token).
    expect(refusals[1]).toContain('"path":"/_matrix/federation/v1/openid/userinfo"');
    expect(refusals.join('\n')).not.toContain('access_token');
  });

  it('refuses, 401, an X-Matrix header Synapse could read as another origin, forwarding nothing', async () => {
    for (const authorization of [
      [signed(partner), signed('evil.example')],
      [signed(partner), signed(partner)],
      [`X-Matrix origin=${partner},key=ed25519:a_1,sig=c2ln,origin=evil.example`],
      [`X-Matrix origin=${partner},key=ed25519:a_1,sig=c2ln,Origin=evil.example`],
      [`X-Matrix origin="${partner}",key="ed25519:a_1",sig="a,origin=evil.example"`],
      [],
    ]) {
      const reply = await putTransaction(transaction(), { authorization });
      expect(reply, JSON.stringify(authorization)).toMatchObject({
        status: 401,
        body: { errcode: 'M_UNAUTHORIZED', 'uk.nhs.bleep.rule': 'federation-partners' },
      });
    }
    expect(seen).toEqual([]);
    expect(plaintextReports()).toEqual([]);
  });

  it('reads a chunked transaction whole and reports its plaintext; Synapse gets it with a length', async () => {
    const body = transaction();
    expect((await putTransaction(body, { chunked: true })).status).toBe(200);
    await handled;
    expect(seen).toHaveLength(1);
    expect(seen[0]?.body.toString('utf8')).toBe(body);
    expect(seen[0]?.headers).toMatchObject({ 'content-length': String(Buffer.byteLength(body)) });
    expect(seen[0]?.headers['transfer-encoding']).toBeUndefined();
    expect(plaintextReports()).toEqual([
      {
        actor: partner,
        device: null,
        action: 'federation:plaintext-received',
        room,
        result: 'm.room.message',
      },
    ]);
    expect(JSON.stringify(audit)).not.toContain('never read');
  });

  it('reads a transaction larger than the old 8 MiB cut-off, under Synapse’s limit, and reports its plaintext', async () => {
    const body = transaction({
      edus: [{ edu_type: 'm.typing', content: { padding: 'x'.repeat(9 * 1024 * 1024) } }],
    });
    for (const chunked of [false, true]) {
      audit.length = 0;
      expect((await putTransaction(body, { chunked })).status, `chunked: ${String(chunked)}`).toBe(200);
      await handled;
      expect(plaintextReports(), `chunked: ${String(chunked)}`).toHaveLength(1);
    }
  });

  it('refuses, 413, a transaction over the limit, however it is framed, and forwards nothing', async () => {
    const body = transaction({
      edus: [{ edu_type: 'm.typing', content: { padding: 'x'.repeat(100 * 1024) } }],
    });
    for (const chunked of [false, true]) {
      const reply = await putTransaction(body, { chunked, base: smallLimitGatewayUrl });
      expect(reply, `chunked: ${String(chunked)}`).toMatchObject({
        status: 413,
        // The rest of the body is not read: the connection closes after the answer.
        connection: 'close',
        body: { errcode: 'M_TOO_LARGE', 'uk.nhs.bleep.rule': 'inspected-transactions' },
      });
    }
    expect(seen).toEqual([]);
    expect(audit.map((entry) => entry.result)).toEqual([
      '413 M_TOO_LARGE (inspected-transactions)',
      '413 M_TOO_LARGE (inspected-transactions)',
    ]);
  });

  it('refuses a transaction that is not UTF-8 JSON (Synapse could not read it either)', async () => {
    for (const body of ['{"pdus": [', Buffer.from([0x7b, 0xff, 0x7d]), `\ufeff${transaction()}`]) {
      expect((await putTransaction(body)).status).toBe(400);
    }
    expect(seen).toEqual([]);
  });

  it('reports plaintext only once Synapse has answered 200: nothing while it is still checking', async () => {
    const received = deferred<Seen>();
    const release = deferred<Answer>();
    answer = (entry) => {
      received.resolve(entry);
      return release.promise;
    };
    const reply = putTransaction(transaction());
    // Synapse has the whole transaction and has not answered: a gateway that reported before the answer has
    // already done so by now, whatever the timing, because the report can only follow the forwarding.
    await received.promise;
    expect(plaintextReports()).toEqual([]);
    release.resolve({ status: 200, body: { pdus: {} } });
    expect((await reply).status).toBe(200);
    await handled;
    expect(plaintextReports()).toHaveLength(1);
  });

  it('reports nothing when Synapse refuses the transaction (a forged partner origin fails its signature check)', async () => {
    const received = deferred<Seen>();
    const release = deferred<Answer>();
    answer = (entry) => {
      received.resolve(entry);
      return release.promise;
    };
    const reply = putTransaction(transaction());
    await received.promise;
    expect(plaintextReports()).toEqual([]);
    release.resolve({ status: 401, body: { errcode: 'M_UNAUTHORIZED', error: 'Invalid signature' } });
    expect(await reply).toMatchObject({ status: 401, body: { error: 'Invalid signature' } });
    await handled;
    expect(audit).toEqual([]);
  });

  it('holds at most four transactions of one claimed origin at once, refusing more with 429 until one is answered', async () => {
    const release = deferred<Answer>();
    let arrived = 0;
    const allArrived = deferred<undefined>();
    answer = () => {
      arrived += 1;
      if (arrived === 4) allArrived.resolve(undefined);
      return release.promise;
    };
    const held = [1, 2, 3, 4].map(() => putTransaction(transaction()));
    await allArrived.promise;
    const fifth = await putTransaction(transaction());
    expect(fifth).toMatchObject({
      status: 429,
      body: { errcode: 'M_LIMIT_EXCEEDED', 'uk.nhs.bleep.rule': 'inspected-transactions' },
    });
    expect(seen).toHaveLength(4);
    release.resolve({ status: 200, body: { pdus: {} } });
    for (const reply of held) expect((await reply).status).toBe(200);
    expect((await putTransaction(transaction())).status).toBe(200);
  });

  it('reports plaintext Synapse accepted even when the partner hung up before the answer', async () => {
    const received = deferred<Seen>();
    const release = deferred<Answer>();
    answer = (entry) => {
      received.resolve(entry);
      return release.promise;
    };
    let hangUp: () => void = () => undefined;
    const reply = putTransaction(transaction(), { sent: (abort) => (hangUp = abort) });
    await received.promise;
    const handling = handled;
    hangUp();
    await expect(reply).rejects.toThrow();
    release.resolve({ status: 200, body: { pdus: {} } });
    await handling;
    expect(plaintextReports()).toHaveLength(1);
  });
});
