// GET /_bleep/legal-holds on its own, on a local port, with stand-ins for Synapse's whoami and joined_rooms, the
// device list and the held-room view, recording what each was asked (unit test only; deploy/test/integration/
// legalHold.test.ts proves it through the real gateway, Synapse and Bleep's database).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Counter } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../audit/auditEntry.ts';
import { createGatewayMetrics } from '../gatewayMetrics.ts';
import type { JoinedRoomsAnswer } from '../joinedRooms.ts';
import type { DeviceStatus } from '../rules/enrolledSession.ts';
import { testPolicy } from '../rules/ruleContext.testkit.ts';
import type { TokenOwner } from '../whoAmI.ts';
import { createRefuse } from './clientRefusal.ts';
import { createLegalHoldsRoute } from './legalHoldsRoute.ts';

const owners: Record<string, TokenOwner> = {
  'token-pc1': { outcome: 'identity', identity: { userId: '@dr:northgate.nhs.uk', deviceId: 'PC1' } },
  'token-nurse': { outcome: 'identity', identity: { userId: '@nurse:northgate.nhs.uk', deviceId: 'PC2' } },
  'token-revoked': { outcome: 'identity', identity: { userId: '@dr:northgate.nhs.uk', deviceId: 'OLD-PC' } },
  /** Synapse signs this one out between the gateway's whoami and its joined_rooms. */
  'token-signed-out-meanwhile': {
    outcome: 'identity',
    identity: { userId: '@dr:northgate.nhs.uk', deviceId: 'PC1' },
  },
};
const deviceStatus: Record<string, DeviceStatus> = { PC1: 'active', PC2: 'active', 'OLD-PC': 'revoked' };
const joined: Record<string, JoinedRoomsAnswer> = {
  'token-pc1': { outcome: 'rooms', roomIds: ['!ward7:northgate.nhs.uk', '!cardio:northgate.nhs.uk'] },
  'token-nurse': { outcome: 'rooms', roomIds: ['!theatre:northgate.nhs.uk'] },
  // Synapse still takes a revoked desktop's token until the revocation's sign-out reaches it: the gateway must not
  // wait for that.
  'token-revoked': { outcome: 'rooms', roomIds: ['!ward7:northgate.nhs.uk'] },
};
/** Held rooms in Bleep's database: one the doctor is in, one nobody asking is in. */
const heldInDatabase = new Set(['!ward7:northgate.nhs.uk', '!secret-inquiry:northgate.nhs.uk']);

/** What a counter holds under exactly these labels (0 when it has never been counted under them). */
async function counted<Label extends string>(
  counter: Counter<Label>,
  labels: Partial<Record<Label, string>>,
) {
  const same = (other: Partial<Record<string, string | number>>) =>
    Object.keys(other).length === Object.keys(labels).length &&
    Object.entries(labels).every(([name, value]) => other[name] === value);
  return (await counter.get()).values.find((value) => same(value.labels))?.value ?? 0;
}

describe('the legal holds route', () => {
  const audit: AuditEntry[] = [];
  const askedAbout: string[][] = [];
  let databaseDown = false;
  let synapseDown = false;
  const metrics = createGatewayMetrics();
  const log = pino({ level: 'silent' });
  const auditSink = {
    record: (entry: AuditEntry) => {
      audit.push(entry);
      return Promise.resolve();
    },
  };
  const route = createLegalHoldsRoute({
    policy: testPolicy,
    whoAmI: (token) => Promise.resolve(owners[token] ?? { outcome: 'unknown-token', softLogout: false }),
    devices: { status: (deviceId) => deviceStatus[deviceId] ?? 'unknown-device' },
    legalHolds: {
      joinedRooms: (token) =>
        Promise.resolve(
          synapseDown
            ? { outcome: 'unavailable', reason: 'cannot reach Synapse' }
            : (joined[token] ?? { outcome: 'unknown-token', softLogout: false }),
        ),
      heldRooms: (roomIds) => {
        askedAbout.push([...roomIds]);
        if (databaseDown) return Promise.reject(Object.assign(new Error('down'), { code: 'ECONNREFUSED' }));
        return Promise.resolve(roomIds.filter((roomId) => heldInDatabase.has(roomId)).sort());
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
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_bleep/legal-holds`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    audit.length = 0;
    askedAbout.length = 0;
    databaseDown = false;
    synapseDown = false;
  });

  const ask = (token?: string) =>
    fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

  it('lists the held rooms the caller is in, and only those, never to be cached', async () => {
    const response = await ask('token-pc1');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ rooms: ['!ward7:northgate.nhs.uk'] });
    // The database is asked only about the caller's own rooms: it cannot answer about any other.
    expect(askedAbout).toEqual([['!ward7:northgate.nhs.uk', '!cardio:northgate.nhs.uk']]);
  });

  it('answers an empty list to a caller none of whose rooms is held', async () => {
    const response = await ask('token-nurse');
    expect(await response.json()).toEqual({ rooms: [] });
  });

  it('refuses a request without a token, with an unknown token, or from a revoked desktop, audited', async () => {
    expect((await ask()).status).toBe(401);
    expect((await ask('token-nobody')).status).toBe(401);
    const revoked = await ask('token-revoked');
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({
      errcode: 'M_UNKNOWN_TOKEN',
      'uk.nhs.bleep.rule': 'device-enrolment',
    });
    expect(audit.map((entry) => [entry.action, entry.actor])).toEqual([
      ['refuse:legalHolds', null],
      ['refuse:legalHolds', null],
      ['refuse:legalHolds', '@dr:northgate.nhs.uk'],
    ]);
    expect(askedAbout).toEqual([]);
  });

  it('refuses, as an unknown token, a session Synapse signed out between the two questions, audited', async () => {
    const unknown = await (await ask('token-nobody')).json();
    audit.length = 0;
    const gone = await ask('token-signed-out-meanwhile');
    expect(gone.status).toBe(401);
    expect(await gone.json()).toEqual(unknown);
    expect(unknown).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN' });
    expect(audit).toEqual([
      {
        actor: '@dr:northgate.nhs.uk',
        device: 'PC1',
        action: 'refuse:legalHolds',
        room: null,
        result: '401 M_UNKNOWN_TOKEN',
      },
    ]);
    expect(askedAbout).toEqual([]);
  });

  it('says holds cannot be read (keep everything) when the database is down, and a 502 when Synapse is', async () => {
    const client = { api: 'client' } as const;
    const errors = await counted(metrics.gatewayErrors, client);
    const upstreamFailures = await counted(metrics.upstreamFailures, client);
    databaseDown = true;
    const unreadable = await ask('token-pc1');
    expect(unreadable.status).toBe(503);
    expect(await unreadable.json()).toEqual({
      errcode: 'M_UNKNOWN',
      error: 'Legal holds cannot be read just now: keep every message for now and ask again later',
    });
    expect(await counted(metrics.gatewayErrors, client)).toBe(errors + 1);
    databaseDown = false;
    synapseDown = true;
    const upstream = await ask('token-pc1');
    expect(upstream.status).toBeGreaterThanOrEqual(502);
    expect(await counted(metrics.upstreamFailures, client)).toBe(upstreamFailures + 1);
    expect(askedAbout).toEqual([['!ward7:northgate.nhs.uk', '!cardio:northgate.nhs.uk']]);
  });
});
