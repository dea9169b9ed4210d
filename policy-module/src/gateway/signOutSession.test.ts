// Against a stand-in for Synapse's /logout on a local port (unit test only; the integration test shows the real
// Synapse refusing the token afterwards).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSignOutSession } from './signOutSession.ts';

describe('signing a desktop out with its own token', () => {
  const seen: { method: string; url: string; authorization: string }[] = [];
  let status = 200;
  const synapse = createServer((request, response) => {
    seen.push({
      method: request.method ?? '',
      url: request.url ?? '',
      authorization: request.headers.authorization ?? '',
    });
    request.resume();
    response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  });
  let synapseUrl = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => synapse.listen(0, '127.0.0.1', resolve));
    synapseUrl = `http://127.0.0.1:${(synapse.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => synapse.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
    status = 200;
  });

  it("posts /logout with the desktop's token, which deletes its device at Synapse", async () => {
    expect(await createSignOutSession(synapseUrl)('syt_token')).toEqual({ outcome: 'signed-out' });
    expect(seen).toEqual([
      { method: 'POST', url: '/_matrix/client/v3/logout', authorization: 'Bearer syt_token' },
    ]);
  });

  it('tells a token Synapse no longer knows from a sign-out that failed', async () => {
    status = 401;
    expect(await createSignOutSession(synapseUrl)('gone')).toEqual({ outcome: 'already-gone' });
    status = 500;
    expect(await createSignOutSession(synapseUrl)('t')).toEqual({
      outcome: 'failed',
      reason: 'Synapse answered 500',
    });
  });

  it('reports a Synapse it cannot reach, without the token in the reason', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await createSignOutSession(closedUrl)('secret-token');
    expect(outcome).toEqual({ outcome: 'failed', reason: 'cannot reach Synapse' });
  });

  it('reports a Synapse that takes the request and never answers (the audit trail says which)', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      expect(await createSignOutSession(`http://127.0.0.1:${port}`, 50)('t')).toEqual({
        outcome: 'failed',
        reason: 'Synapse did not answer in time',
      });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
