// The client gateway serves GET /_bleep/legal-holds when it is given a legal-hold lookup, and only then; other
// methods on the path are refused like any unknown /_bleep path. Synapse here is a port with nothing behind it: the
// route never forwards (unit test only; deploy/test/integration/legalHold.test.ts goes through the real stack).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayMetrics } from '../gatewayMetrics.ts';
import { testPolicy } from '../rules/ruleContext.testkit.ts';
import { createSynapseProxy } from '../synapseProxy.ts';
import { createClientGateway, type ClientGatewayDeps } from './createClientGateway.ts';
import type { LegalHoldLookup } from './legalHoldsRoute.ts';

const log = pino({ level: 'silent' });
const servers: Server[] = [];

function deps(legalHolds: LegalHoldLookup | undefined): ClientGatewayDeps {
  return {
    policy: testPolicy,
    allowedPartners: () => [],
    partnerTrusts: () => [],
    proxy: createSynapseProxy('http://127.0.0.1:1', { log, onFailure: () => undefined }),
    audit: { record: () => Promise.resolve() },
    whoAmI: (token) =>
      Promise.resolve(
        token === 'token-pc1'
          ? { outcome: 'identity', identity: { userId: '@dr:northgate.nhs.uk', deviceId: 'PC1' } }
          : { outcome: 'unknown-token', softLogout: false },
      ),
    devices: { status: (deviceId) => (deviceId === 'PC1' ? 'active' : 'unknown-device') },
    ...(legalHolds ? { legalHolds } : {}),
    discardToken: () => Promise.resolve(),
    expiryReports: { record: () => Promise.resolve(new Date()) },
    signOutSession: () => Promise.resolve({ outcome: 'signed-out' }),
    enrolment: {
      checkLogin: () => Promise.resolve({ ok: false, code: 'DEVICE_NOT_ENROLLED', message: 'no' }),
      recordLogin: () => Promise.resolve(),
      deviceOfCredential: () => Promise.resolve(undefined),
      redeemCode: () => Promise.resolve({ ok: false, code: 'BAD_CODE', message: 'no' }),
    },
    maxJsonBodyBytes: 4096,
    clientAddress: () => '127.0.0.1',
    failedAttemptLimit: { failures: 100, windowMs: 60_000 },
    metrics: createGatewayMetrics(),
    log,
  };
}

async function start(legalHolds: LegalHoldLookup | undefined): Promise<string> {
  const server = createServer(createClientGateway(deps(legalHolds)));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/_bleep/legal-holds`;
}

let withHolds = '';
let withoutHolds = '';

beforeAll(async () => {
  withHolds = await start({
    joinedRooms: () => Promise.resolve({ outcome: 'rooms', roomIds: ['!ward7:x', '!cardio:x'] }),
    heldRooms: (roomIds) => Promise.resolve(roomIds.filter((roomId) => roomId === '!ward7:x')),
  });
  withoutHolds = await start(undefined);
});

afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
});

const bearer = { headers: { authorization: 'Bearer token-pc1' } };

describe('the client gateway and GET /_bleep/legal-holds', () => {
  it("answers an enrolled desktop's session with its held rooms", async () => {
    const response = await fetch(withHolds, bearer);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ rooms: ['!ward7:x'] });
  });

  it('refuses other methods on the path, and serves nothing there without a lookup', async () => {
    expect((await fetch(withHolds, { ...bearer, method: 'POST', body: '{}' })).status).toBe(404);
    const unserved = await fetch(withoutHolds, bearer);
    expect(unserved.status).toBe(404);
    expect(await unserved.json()).toMatchObject({ errcode: 'M_UNRECOGNIZED' });
  });
});
