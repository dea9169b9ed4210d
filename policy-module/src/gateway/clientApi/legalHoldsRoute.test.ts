// GET /_bleep/legal-holds on its own, on a local port, with stand-ins for Synapse's whoami and joined_rooms, the
// device list and the held-room view, recording what each was asked (unit test only; deploy/test/integration/
// legalHold.test.ts proves it through the real gateway, Synapse and Bleep's database).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
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
};
const deviceStatus: Record<string, DeviceStatus> = { PC1: 'active', PC2: 'active', 'OLD-PC': 'revoked' };
const joined: Record<string, JoinedRoomsAnswer> = {
  'token-pc1': { outcome: 'rooms', roomIds: ['!ward7:northgate.nhs.uk', '!cardio:northgate.nhs.uk'] },
  'token-nurse': { outcome: 'rooms', roomIds: ['!theatre:northgate.nhs.uk'] },
};
/** Held rooms in Bleep's database: one the doctor is in, one nobody asking is in. */
const heldInDatabase = new Set(['!ward7:northgate.nhs.uk', '!secret-inquiry:northgate.nhs.uk']);

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
    whoAmI: (token) => Promise.resolve(owners[token] ?? { outcome: 'unknown-token' }),
    devices: { status: (deviceId) => deviceStatus[deviceId] ?? 'unknown-device' },
    legalHolds: {
      joinedRooms: (token) =>
        Promise.resolve(
          synapseDown
            ? { outcome: 'unavailable', reason: 'cannot reach Synapse' }
            : (joined[token] ?? { outcome: 'unknown-token' }),
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
    expect(audit.map((entry) => [entry.action, entry.actor])).toEqual([
      ['refuse:legalHolds', null],
      ['refuse:legalHolds', null],
      ['refuse:legalHolds', '@dr:northgate.nhs.uk'],
    ]);
    expect(askedAbout).toEqual([]);
  });

  it('says holds cannot be read (keep everything) when the database is down, and a 502 when Synapse is', async () => {
    databaseDown = true;
    const unreadable = await ask('token-pc1');
    expect(unreadable.status).toBe(503);
    expect(((await unreadable.json()) as { error: string }).error).toMatch(/keep every message/);
    databaseDown = false;
    synapseDown = true;
    const upstream = await ask('token-pc1');
    expect(upstream.status).toBeGreaterThanOrEqual(502);
    expect(askedAbout).toEqual([['!ward7:northgate.nhs.uk', '!cardio:northgate.nhs.uk']]);
  });
});
