// The federation gateway where its own parts fail or are misconfigured, in front of a stand-in proxy that records
// what it was asked and fails as the test says (createFederationGateway.test.ts covers the gateway in front of a
// stand-in Synapse).
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../audit/auditEntry.ts';
import { createGatewayMetrics } from '../gatewayMetrics.ts';
import type { SynapseProxy } from '../synapseProxy.ts';
import {
  createFederationGateway,
  createFederationHandler,
  type FederationGatewayDeps,
} from './createFederationGateway.ts';

const partner = 'southmere.nhs.uk';
const signed = `X-Matrix origin="${partner}",key="ed25519:a_1",sig="c2ln"`;

describe('federation gateway, when a part fails', () => {
  const audit: AuditEntry[] = [];
  const metrics = createGatewayMetrics();
  const forwarded: string[] = [];
  let failure: ((response: ServerResponse) => Promise<void>) | undefined;
  const proxy: SynapseProxy = {
    forward: (request, response) => {
      forwarded.push(request.url ?? '');
      if (failure) return failure(response);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return Promise.resolve();
    },
    exchange: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  };
  const deps: FederationGatewayDeps = {
    allowedPartners: () => [partner],
    plaintextEventTypes: [],
    maxTransactionBytes: 1024,
    proxy,
    audit: {
      record: (entry) => {
        audit.push(entry);
        return Promise.resolve();
      },
    },
    metrics,
    log: pino({ level: 'silent' }),
  };
  let server: Server;
  let url = '';

  beforeAll(async () => {
    server = createServer(createFederationGateway(deps));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    audit.length = 0;
    forwarded.length = 0;
    failure = undefined;
  });

  /** A raw request, so the path goes out exactly as written. */
  function get(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(`${url}${path}`, { headers: { authorization: signed } }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('error', reject);
        answer.on('end', () => {
          resolve({
            status: answer.statusCode ?? 0,
            headers: answer.headers,
            body: Buffer.concat(chunks).toString(),
          });
        });
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  it('will not start without a whole, positive transaction size limit', () => {
    for (const limit of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createFederationHandler({ ...deps, maxTransactionBytes: limit }), String(limit)).toThrow(
        `the federation gateway needs a transaction size limit, got ${String(limit)}`,
      );
    }
    expect(() => createFederationHandler({ ...deps, maxTransactionBytes: 1 })).not.toThrow();
  });

  it('answers a path parameter it cannot read as Synapse would with 400, forwarding and auditing nothing', async () => {
    const reply = await get('/_matrix/federation/v1/event/%ZZ');
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body)).toMatchObject({
      errcode: 'M_INVALID_PARAM',
      'uk.nhs.bleep.rule': 'default-deny',
    });
    expect(forwarded).toEqual([]);
    expect(audit).toEqual([]);
  });

  it('answers its own version as JSON, and counts requests by the route they reached', async () => {
    const reply = await get('/_matrix/federation/v1/version');
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.headers['content-length']).toBe(String(Buffer.byteLength(reply.body)));
    await get('/_matrix/federation/v1/event/$e1');
    await get('/_matrix/federation/v1/event/%ZZ');
    const counted = (await metrics.requests.get()).values.map((value) => value.labels);
    expect(counted).toEqual(
      expect.arrayContaining([
        { api: 'federation', kind: 'version' },
        { api: 'federation', kind: 'event' },
        { api: 'federation', kind: 'bad-param' },
      ]),
    );
  });

  const gatewayErrors = async () =>
    (await metrics.gatewayErrors.get()).values.find((value) => value.labels.api === 'federation')?.value ?? 0;

  it('answers 500 M_UNKNOWN for a failure of its own, and counts it', async () => {
    const before = await gatewayErrors();
    failure = () => Promise.reject(new TypeError('a bug'));
    const reply = await get('/_matrix/federation/v1/event/$e1');
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body)).toEqual({
      errcode: 'M_UNKNOWN',
      error: 'The Bleep gateway failed to handle this request',
    });
    expect(await gatewayErrors()).toBe(before + 1);
  });

  it('cuts the connection when it fails after the answer began, rather than append an error to it', async () => {
    failure = async (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"pdus":');
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('broke mid-answer');
    };
    await expect(get('/_matrix/federation/v1/event/$e1')).rejects.toThrow();
  });
});
