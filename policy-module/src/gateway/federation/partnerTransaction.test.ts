// The transaction forwarder on its own, on a local port, with a stand-in for Synapse's answer that the test
// releases transaction by transaction, and a refusal, audit and metrics that record what they were given.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../audit/auditEntry.ts';
import { createGatewayMetrics } from '../gatewayMetrics.ts';
import { MatrixError, sendMatrixError } from '../matrixError.ts';
import type { BufferedAnswer } from '../synapseProxy.ts';
import type { RefusedFederationRequest } from './federationRefusal.ts';
import { createTransactionForwarder } from './partnerTransaction.ts';

const plaintext = JSON.stringify({
  pdus: [{ type: 'm.room.message', room_id: '!r:southmere.nhs.uk', content: { body: 'x' } }],
});
const ok: BufferedAnswer = {
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from('{}'),
};

type Held = { origin: string; answer: (result: BufferedAnswer | Error) => void };

describe('forwarding partner transactions', () => {
  const held: Held[] = [];
  const refused: { refused: RefusedFederationRequest; error: MatrixError }[] = [];
  const audit: AuditEntry[] = [];
  let failAudit = false;
  const metrics = createGatewayMetrics();
  const forward = createTransactionForwarder({
    plaintextEventTypes: [],
    maxTransactionBytes: 1024,
    proxy: {
      forward: () => Promise.reject(new Error('transactions are exchanged, not streamed')),
      exchange: (request) =>
        new Promise((resolve, reject) => {
          held.push({
            origin: String(request.headers['x-origin']),
            answer: (result) => {
              if (result instanceof Error) reject(result);
              else resolve(result);
            },
          });
        }),
      close: () => Promise.resolve(),
    },
    audit: {
      record: (entry) => {
        if (failAudit) return Promise.reject(new Error('audit database down'));
        audit.push(entry);
        return Promise.resolve();
      },
    },
    metrics,
    log: pino({ level: 'silent' }),
    refuse: (_request, response, request, error) => {
      refused.push({ refused: request, error });
      sendMatrixError(response, error);
      return Promise.resolve();
    },
  });
  /** Settles when the forwarder is done with each request, in arrival order. */
  const done: Promise<void>[] = [];
  /** How many requests the forwarder is done with, in whatever order. */
  let finished = 0;
  const server: Server = createServer((request, response) => {
    const handling = forward(request, response, String(request.headers['x-origin']));
    done.push(handling);
    handling.then(
      () => (finished += 1),
      () => (finished += 1),
    );
  });
  let url = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_matrix/federation/v1/send/t1`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    held.length = 0;
    refused.length = 0;
    audit.length = 0;
    done.length = 0;
    finished = 0;
    failAudit = false;
  });

  /** Sends a transaction; the promise settles with its status once answered. */
  function send(origin: string, body = '{"pdus":[]}'): { status: Promise<number>; hangUp: () => void } {
    const outgoing = httpRequest(url, {
      method: 'PUT',
      headers: { 'x-origin': origin, 'content-type': 'application/json' },
    });
    const status = new Promise<number>((resolve, reject) => {
      outgoing.on('response', (answer: IncomingMessage) => {
        answer.resume();
        resolve(answer.statusCode ?? 0);
      });
      outgoing.on('error', reject);
    });
    outgoing.end(body);
    return { status, hangUp: () => outgoing.destroy() };
  }

  async function heldCount(count: number): Promise<void> {
    while (held.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  async function finishedCount(count: number): Promise<void> {
    while (finished < count) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  it('holds at most 16 transactions in all, whoever claims to send them, and counts them down as they are answered', async () => {
    const origins = ['a.example', 'b.example', 'c.example', 'd.example'];
    const first = origins.flatMap((origin) => [1, 2, 3, 4].map(() => send(origin)));
    await heldCount(16);
    expect(await send('e.example').status).toBe(429);
    expect(refused.at(-1)).toMatchObject({
      refused: { what: 'transaction', origin: 'e.example', audited: false },
      error: { errcode: 'M_LIMIT_EXCEEDED', message: 'Too many transactions in flight: retry shortly' },
    });
    held[0]?.answer(ok);
    await finishedCount(1);
    const next = send('e.example');
    await heldCount(17);
    for (const each of held.slice(1)) each.answer(ok);
    expect(await next.status).toBe(200);
    for (const each of first) expect(await each.status).toBe(200);
  });

  it("counts each origin's transactions until the last one is answered", async () => {
    const first = [1, 2, 3, 4].map(() => send('a.example'));
    await heldCount(4);
    held[0]?.answer(ok);
    await finishedCount(1);
    const fifth = send('a.example');
    await heldCount(5);
    // Three of the first four are still held, and the fifth: a sixth is one too many.
    expect(await send('a.example').status).toBe(429);
    for (const each of held.slice(1)) each.answer(ok);
    await fifth.status;
    for (const each of first) await each.status;
  });

  it('refuses a transaction it cannot read, audited under the claimed origin', async () => {
    expect(await send('a.example', '{"pdus": [').status).toBe(400);
    expect(refused).toMatchObject([{ refused: { what: 'transaction', origin: 'a.example', audited: true } }]);
  });

  it('answers 502 when Synapse does not answer, and leaves any other failure to the gateway', async () => {
    const unanswered = send('a.example');
    await heldCount(1);
    held[0]?.answer(new MatrixError(502, 'M_UNKNOWN', 'The homeserver did not answer'));
    expect(await unanswered.status).toBe(502);
    await done[0];
    const failing = send('b.example');
    // Nobody answers this partner here: the gateway's own error handler would (createFederationGateway.ts).
    failing.status.catch(() => undefined);
    await heldCount(2);
    held[1]?.answer(new TypeError('a bug'));
    await expect(done[1]).rejects.toThrow('a bug');
    failing.hangUp();
  });

  it('answers nothing to a partner that has gone, when Synapse then fails', async () => {
    const gone = send('a.example');
    gone.status.catch(() => undefined);
    await heldCount(1);
    gone.hangUp();
    await new Promise((resolve) => setTimeout(resolve, 20));
    held[0]?.answer(new MatrixError(502, 'M_UNKNOWN', 'The homeserver did not answer'));
    await expect(done[0]).resolves.toBeUndefined();
  });

  it('counts the plaintext it reports by partner, and counts an audit it could not write as a gateway error', async () => {
    const counted = async (name: 'partnerPlaintext' | 'gatewayErrors', label: string) =>
      (await metrics[name].get()).values.find((value) => Object.values(value.labels).includes(label))
        ?.value ?? 0;
    const reported = send('southmere.nhs.uk', plaintext);
    await heldCount(1);
    held[0]?.answer(ok);
    await reported.status;
    await done[0];
    expect(await counted('partnerPlaintext', 'southmere.nhs.uk')).toBe(1);
    expect(audit).toHaveLength(1);
    failAudit = true;
    const unreported = send('southmere.nhs.uk', plaintext);
    await heldCount(2);
    held[1]?.answer(ok);
    expect(await unreported.status).toBe(200);
    await expect(done[1]).resolves.toBeUndefined();
    expect(await counted('gatewayErrors', 'federation')).toBe(1);
  });
});
