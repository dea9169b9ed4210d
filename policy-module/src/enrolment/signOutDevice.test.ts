// Synapse here is a stand-in for Synapse's admin API, unit test only (a node:http server on a local port).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signOutDevice } from './signOutDevice.ts';
import { startSynapseAdminStandIn, type SynapseAdminStandIn } from './synapseAdminStandIn.testkit.ts';

const adminToken = 'syt_admin_token_that_must_not_leak';

describe('signing a revoked device out of Synapse', () => {
  let synapse: SynapseAdminStandIn;

  beforeAll(async () => {
    synapse = await startSynapseAdminStandIn();
  });

  afterAll(async () => {
    await synapse.close();
  });

  beforeEach(() => {
    synapse.seen.length = 0;
  });

  it("deletes the device from every user's account with the admin token, both names URL-encoded", async () => {
    const outcomes = await signOutDevice(
      { synapseAdminUrl: `${synapse.url}/`, adminToken, fetch },
      'WARD12/PC 03',
      ['@nurse:northgate.nhs.uk', '@dr.o?brien:northgate.nhs.uk'],
    );
    expect(outcomes).toEqual([
      { userId: '@nurse:northgate.nhs.uk', outcome: 'signed-out' },
      { userId: '@dr.o?brien:northgate.nhs.uk', outcome: 'signed-out' },
    ]);
    expect(synapse.seen).toEqual([
      {
        method: 'DELETE',
        path: '/_synapse/admin/v2/users/%40nurse%3Anorthgate.nhs.uk/devices/WARD12%2FPC%2003',
        authorization: `Bearer ${adminToken}`,
      },
      {
        method: 'DELETE',
        path: '/_synapse/admin/v2/users/%40dr.o%3Fbrien%3Anorthgate.nhs.uk/devices/WARD12%2FPC%2003',
        authorization: `Bearer ${adminToken}`,
      },
    ]);
  });

  it('treats 404 as already signed out, and reports any other refusal for that user without stopping', async () => {
    synapse.answerFor('@gone:northgate.nhs.uk', 404, 'M_NOT_FOUND');
    synapse.answerFor('@stuck:northgate.nhs.uk', 500, 'M_UNKNOWN');
    const outcomes = await signOutDevice({ synapseAdminUrl: synapse.url, adminToken, fetch }, 'WARD12-PC03', [
      '@gone:northgate.nhs.uk',
      '@stuck:northgate.nhs.uk',
      '@nurse:northgate.nhs.uk',
    ]);
    expect(outcomes).toEqual([
      { userId: '@gone:northgate.nhs.uk', outcome: 'already-gone' },
      {
        userId: '@stuck:northgate.nhs.uk',
        outcome: 'failed',
        reason: 'Synapse answered 500 M_UNKNOWN: stand-in refusal',
      },
      { userId: '@nurse:northgate.nhs.uk', outcome: 'signed-out' },
    ]);
    expect(JSON.stringify(outcomes)).not.toContain(adminToken);
  });

  it('reports an unreachable Synapse for each user instead of throwing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcomes = await signOutDevice(
      { synapseAdminUrl: `http://127.0.0.1:${port}`, adminToken, fetch },
      'WARD12-PC03',
      ['@a:northgate.nhs.uk', '@b:northgate.nhs.uk'],
    );
    expect(outcomes).toEqual([
      {
        userId: '@a:northgate.nhs.uk',
        outcome: 'failed',
        reason: 'cannot reach Synapse: fetch failed (ECONNREFUSED)',
      },
      {
        userId: '@b:northgate.nhs.uk',
        outcome: 'failed',
        reason: 'cannot reach Synapse: fetch failed (ECONNREFUSED)',
      },
    ]);
  });

  it('reports a Synapse that does not answer in time', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const outcomes = await signOutDevice(
        {
          synapseAdminUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
          adminToken,
          fetch,
          timeoutMs: 100,
        },
        'WARD12-PC03',
        ['@a:northgate.nhs.uk'],
      );
      expect(outcomes).toEqual([
        { userId: '@a:northgate.nhs.uk', outcome: 'failed', reason: 'Synapse did not answer in time' },
      ]);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("tells IT why each sign-out failed, in Synapse's words or the connection's", async () => {
    // A fetch that fails with something other than an Error (a library that rejects with a plain object).
    const notAnError: unknown = { message: 'fetch failed' };
    const failures: [string, () => Promise<Response>, string][] = [
      [
        'errcode alone',
        () => Promise.resolve(Response.json({ errcode: 'M_UNKNOWN' }, { status: 500 })),
        'Synapse answered 500 M_UNKNOWN',
      ],
      [
        'no errcode',
        () => Promise.resolve(Response.json({ error: 'boom' }, { status: 500 })),
        'Synapse answered 500',
      ],
      [
        'an HTML error page',
        () => Promise.resolve(new Response('<h1>Bad gateway</h1>', { status: 502 })),
        'Synapse answered 502',
      ],
      [
        'a thrown non-error',
        () => {
          throw notAnError;
        },
        'request failed',
      ],
      [
        'an error with no cause',
        () => Promise.reject(new Error('socket hang up')),
        'cannot reach Synapse: socket hang up',
      ],
      [
        'a cause with only a message',
        () =>
          Promise.reject(
            new Error('fetch failed', { cause: { code: 7, message: 'getaddrinfo EAI_AGAIN synapse' } }),
          ),
        'cannot reach Synapse: fetch failed (getaddrinfo EAI_AGAIN synapse)',
      ],
    ];
    for (const [what, answer, reason] of failures) {
      const outcomes = await signOutDevice(
        { synapseAdminUrl: synapse.url, adminToken, fetch: answer },
        'WARD12-PC03',
        ['@a:northgate.nhs.uk'],
      );
      expect(outcomes, what).toEqual([{ userId: '@a:northgate.nhs.uk', outcome: 'failed', reason }]);
    }
  });

  it('asks the admin API at its own path however many slashes end the configured address', async () => {
    await signOutDevice({ synapseAdminUrl: `${synapse.url}///`, adminToken, fetch }, 'PC1', ['@a:x']);
    expect(synapse.seen.map((seen) => seen.path)).toEqual(['/_synapse/admin/v2/users/%40a%3Ax/devices/PC1']);
  });

  it('asks nothing when nobody signed in on the device', async () => {
    expect(
      await signOutDevice({ synapseAdminUrl: synapse.url, adminToken, fetch }, 'WARD12-PC03', []),
    ).toEqual([]);
    expect(synapse.seen).toEqual([]);
  });
});
