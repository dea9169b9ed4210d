// The proxy between a stand-in client and a stand-in Synapse, both on local ports (unit test only): what reaches
// Synapse, what comes back, and what happens when either side goes away.
import {
  createServer,
  request as httpRequest,
  IncomingMessage,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSynapseProxy, type SynapseProxy } from './synapseProxy.ts';

type Seen = { method: string; headers: IncomingHttpHeaders; body: Buffer };

async function bodyOf(message: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of message as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

type Answer = Readonly<{ status: number; headers: Record<string, string>; body: string }>;
type ClientCall = Readonly<{ method?: string; headers?: Record<string, string>; body?: string | Buffer }>;

/** A raw client request, so the test can send headers fetch would not (Host, hop-by-hop ones). */
function send(
  url: string,
  call: ClientCall = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      { method: call.method ?? 'GET', headers: call.headers ?? {} },
      (answer) => {
        bodyOf(answer).then((body) => {
          resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: body.toString('utf8') });
        }, reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(call.body);
  });
}

describe('the proxy to Synapse', () => {
  const seen: Seen[] = [];
  let answer: Answer = { status: 200, headers: {}, body: '{}' };
  /** When set, Synapse holds its answer and reports the moment the proxy gives up the request. */
  let holding: ((held: { closed: Promise<void> }) => void) | undefined;
  /** When set, Synapse starts its answer and then breaks the connection. */
  let breakMidAnswer = false;
  const synapseSockets = new Set<Socket>();
  const synapse = createServer((request, response) => {
    if (holding) {
      holding({
        closed: new Promise((resolve) => {
          request.socket.once('close', () => {
            resolve();
          });
        }),
      });
      return;
    }
    void bodyOf(request).then((body) => {
      seen.push({ method: request.method ?? '', headers: request.headers, body });
      if (breakMidAnswer) {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        response.write('{"next_batch":');
        setTimeout(() => request.socket.destroy(), 20);
        return;
      }
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body);
    });
  });
  synapse.on('connection', (socket) => {
    synapseSockets.add(socket);
    socket.once('close', () => synapseSockets.delete(socket));
  });
  let failures = 0;
  let proxy: SynapseProxy;
  /** How the gateway calls the proxy for each request: stream it, or send a body it read. */
  let handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  const gateway = createServer((request, response) => {
    void handle(request, response);
  });
  let gatewayUrl = '';
  let synapseUrl = '';

  beforeAll(async () => {
    synapseUrl = await listen(synapse);
    proxy = createSynapseProxy(synapseUrl, {
      log: pino({ level: 'silent' }),
      onFailure: () => {
        failures += 1;
      },
    });
    gatewayUrl = await listen(gateway);
  });

  afterAll(async () => {
    await proxy.close();
    gateway.closeAllConnections();
    synapse.closeAllConnections();
    await new Promise((resolve) => gateway.close(resolve));
    await new Promise((resolve) => synapse.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
    answer = { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
    holding = undefined;
    breakMidAnswer = false;
    failures = 0;
    handle = (request, response) => proxy.forward(request, response);
  });

  it("drops every forwarding claim the client made, and sends the gateway's own", async () => {
    await send(`${gatewayUrl}/_matrix/client/v3/sync`, {
      headers: {
        forwarded: 'for=203.0.113.7;proto=https',
        'x-forwarded-for': '203.0.113.7',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'evil.example',
        'x-real-ip': '203.0.113.7',
      },
    });
    const headers = seen[0]?.headers ?? {};
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    for (const name of ['forwarded', 'x-forwarded-host', 'x-real-ip'])
      expect(headers[name], name).toBeUndefined();
  });

  it("never passes the desktop's enrolment credential on to Synapse, forwarded or exchanged", async () => {
    await send(`${gatewayUrl}/_matrix/client/v3/sync`, {
      headers: { 'x-bleep-device-credential': 'credential-secret' },
    });
    handle = async (request, response) => {
      const answer = await proxy.exchange(request, Buffer.from('{}'));
      response.writeHead(answer.statusCode, answer.headers);
      response.end(answer.body);
    };
    await send(`${gatewayUrl}/_matrix/client/v3/login`, {
      method: 'POST',
      headers: { 'x-bleep-device-credential': 'credential-secret' },
      body: '{}',
    });
    expect(seen).toHaveLength(2);
    for (const request of seen) expect(request.headers['x-bleep-device-credential']).toBeUndefined();
  });

  it('passes end-to-end headers on, and none that belong to the connection, in either direction', async () => {
    answer = {
      status: 201,
      headers: {
        'content-type': 'application/json',
        'x-answer': 'kept',
        server: 'Synapse/1.160.0',
        'x-powered-by': 'Twisted',
        'proxy-authenticate': 'Basic',
      },
      body: '{"ok":true}',
    };
    const received = await send(`${gatewayUrl}/_matrix/client/v3/keys/upload`, {
      method: 'POST',
      body: '{}',
      headers: {
        'transfer-encoding': 'chunked',
        trailer: 'x-checksum',
        host: 'evil.example',
        'x-request': 'kept',
        'keep-alive': 'timeout=5',
        'proxy-connection': 'keep-alive',
        'proxy-authorization': 'Basic YTpi',
        te: 'trailers',
        upgrade: 'websocket',
      },
    });
    const headers = seen[0]?.headers ?? {};
    expect(headers['x-request']).toBe('kept');
    expect(headers.host).toBe(new URL(synapseUrl).host);
    for (const name of [
      'keep-alive',
      'proxy-connection',
      'proxy-authorization',
      'te',
      'trailer',
      'upgrade',
    ]) {
      expect(headers[name], name).toBeUndefined();
    }
    expect(received.status).toBe(201);
    expect(received.body).toBe('{"ok":true}');
    expect(received.headers['x-answer']).toBe('kept');
    for (const name of ['server', 'x-powered-by', 'proxy-authenticate']) {
      expect(received.headers[name], name).toBeUndefined();
    }
  });

  it('streams the body of a request that has one, chunked or not, and sends none for one that has none', async () => {
    await send(`${gatewayUrl}/_matrix/client/v3/sync`);
    await send(`${gatewayUrl}/_matrix/media/v3/upload`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'content-length': '4' },
      body: Buffer.from([1, 2, 3, 4]),
    });
    await send(`${gatewayUrl}/_matrix/media/v3/upload`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'transfer-encoding': 'chunked' },
      body: Buffer.from([5, 6]),
    });
    expect(seen.map((each) => [each.method, each.body])).toEqual([
      ['GET', Buffer.alloc(0)],
      ['POST', Buffer.from([1, 2, 3, 4])],
      ['POST', Buffer.from([5, 6])],
    ]);
    expect(seen[0]?.headers['transfer-encoding']).toBeUndefined();
    expect(seen[0]?.headers['content-length']).toBeUndefined();
    expect(seen[1]?.headers['content-type']).toBe('image/png');
  });

  it('sends a body the gateway read as JSON, with its own length, whatever the client said', async () => {
    handle = async (request, response) => {
      await bodyOf(request);
      await proxy.forward(request, response, Buffer.from('{"name":"Ward 12"}'));
    };
    await send(`${gatewayUrl}/_matrix/client/v3/createRoom`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'content-length': '2' },
      body: '{}',
    });
    expect(seen[0]?.body.toString()).toBe('{"name":"Ward 12"}');
    expect(seen[0]?.headers['content-type']).toBe('application/json');
    expect(seen[0]?.headers['content-length']).toBe('18');
  });

  it('gives up the request to Synapse when the client goes away, and counts no failure for it', async () => {
    const held = new Promise<{ closed: Promise<void> }>((resolve) => {
      holding = resolve;
    });
    const client = httpRequest(`${gatewayUrl}/_matrix/client/v3/sync?timeout=30000`);
    client.on('error', () => undefined);
    client.end();
    const { closed } = await held;
    client.destroy();
    await closed;
    // Long enough for a failure to have been counted, had it been.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(failures).toBe(0);
  });

  it('answers 502 when Synapse cannot be reached, and counts it', async () => {
    const closedPort = createServer();
    const down = await listen(closedPort);
    await new Promise((resolve) => closedPort.close(resolve));
    const unreachable = createSynapseProxy(down, {
      log: pino({ level: 'silent' }),
      onFailure: () => {
        failures += 1;
      },
    });
    handle = (request, response) => unreachable.forward(request, response);
    const received = await send(`${gatewayUrl}/_matrix/client/v3/sync`);
    expect(received.status).toBe(502);
    expect(JSON.parse(received.body)).toEqual({
      errcode: 'M_UNKNOWN',
      error:
        'The homeserver did not answer; try again shortly (a message retried with the same transaction ID is not duplicated).',
    });
    const login = new IncomingMessage(new Socket());
    Object.assign(login, { url: '/_matrix/client/v3/login', method: 'POST' });
    const exchanged = unreachable.exchange(login, Buffer.from('{}'));
    await expect(exchanged).rejects.toMatchObject({ status: 502, errcode: 'M_UNKNOWN' });
    expect(failures).toBe(2);
    await unreachable.close();
  });

  it("cuts the client's connection when Synapse fails halfway through its answer, and counts the failure", async () => {
    breakMidAnswer = true;
    await expect(send(`${gatewayUrl}/_matrix/client/v3/sync`)).rejects.toThrow();
    // The client sees the cut before the gateway's catch has run.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(failures).toBe(1);
  });

  it("reads a whole answer for the gateway, without Synapse's name or the connection's headers", async () => {
    answer = {
      status: 200,
      headers: { 'content-type': 'application/json', server: 'Synapse/1.160.0', 'x-powered-by': 'Twisted' },
      body: '{"user_id":"@dr:x"}',
    };
    handle = async (request, response) => {
      const body = await bodyOf(request);
      const exchanged = await proxy.exchange(request, body);
      response.end(JSON.stringify({ ...exchanged, body: exchanged.body.toString('utf8') }));
    };
    const received = await send(`${gatewayUrl}/_matrix/client/v3/login`, { method: 'POST', body: '{}' });
    const exchanged = JSON.parse(received.body) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };
    expect(exchanged.statusCode).toBe(200);
    expect(exchanged.body).toBe('{"user_id":"@dr:x"}');
    expect(exchanged.headers['content-type']).toBe('application/json');
    for (const name of ['server', 'x-powered-by', 'connection', 'keep-alive', 'transfer-encoding']) {
      expect(exchanged.headers[name], name).toBeUndefined();
    }
  });

  it('closes its connections to Synapse when closed', async () => {
    const own = createSynapseProxy(synapseUrl, { log: pino({ level: 'silent' }) });
    handle = (request, response) => own.forward(request, response);
    const before = synapseSockets.size;
    await send(`${gatewayUrl}/_matrix/client/v3/sync`);
    expect(synapseSockets.size).toBe(before + 1);
    await own.close();
    const deadline = Date.now() + 2000;
    while (synapseSockets.size > before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(synapseSockets.size).toBe(before);
  });
});
