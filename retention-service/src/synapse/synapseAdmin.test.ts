// Talks HTTP to a small stand-in for Synapse's internal listener, started on port 0 for this file.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSynapseAdmin, SynapseAdminError } from './synapseAdmin.ts';

type Seen = { method: string; url: string; authorization: string | undefined; body: string };
const seen: Seen[] = [];
let answer: (request: IncomingMessage) => { status: number; body: unknown } = () => ({
  status: 200,
  body: {},
});
let server: Server;
let baseUrl: string;

function admin(timeoutMs = 2000) {
  return createSynapseAdmin({ baseUrl, adminToken: 'syt_admin_secret', fetch, timeoutMs });
}

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: request.headers.authorization,
        body,
      });
      const { status, body: reply } = answer(request);
      if (status === 0) return; // never answers
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createSynapseAdmin', () => {
  it('starts a history purge of local events too, up to the event given, with the admin token', async () => {
    answer = () => ({ status: 200, body: { purge_id: 'p1' } });
    expect(await admin().purgeHistory('!room:x', '$event')).toBe('p1');
    const request = seen.at(-1);
    expect(request?.url).toBe('/_synapse/admin/v1/purge_history/!room%3Ax');
    expect(request?.authorization).toBe('Bearer syt_admin_secret');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      delete_local_events: true,
      purge_up_to_event_id: '$event',
    });
  });

  it('redacts as the member whose token it is given, with the content given', async () => {
    answer = () => ({ status: 200, body: { event_id: '$redaction' } });
    expect(await admin().redact('puppet', '!r:x', '$e', 'txn1', { 'uk.nhs.bleep.retention': true })).toBe(
      '$redaction',
    );
    const request = seen.at(-1);
    expect(request).toMatchObject({
      method: 'PUT',
      url: '/_matrix/client/v3/rooms/!r%3Ax/redact/%24e/txn1',
      authorization: 'Bearer puppet',
    });
  });

  it('treats media Synapse no longer has as already gone', async () => {
    answer = () => ({ status: 404, body: { errcode: 'M_NOT_FOUND', error: 'Unknown media' } });
    expect(await admin().deleteLocalMedia('x', 'abc')).toBe('already-gone');
  });

  it('reports rate limits with their wait, an unavailable Synapse as retryable, a refusal as final', async () => {
    answer = () => ({ status: 429, body: { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 1234 } });
    const limited = await admin()
      .loginAs('@a:x', new Date())
      .catch((error: unknown) => error);
    expect(limited).toMatchObject({ code: 'SYNAPSE_RATE_LIMITED', retryAfterMs: 1234, retryable: true });

    answer = () => ({ status: 502, body: {} });
    expect(
      await admin()
        .purgeStatus('p')
        .catch((error: unknown) => error),
    ).toMatchObject({
      code: 'SYNAPSE_UNAVAILABLE',
      retryable: true,
    });

    answer = () => ({ status: 403, body: { errcode: 'M_FORBIDDEN', error: "You don't have permission" } });
    const refused = await admin()
      .redact('puppet', '!r:x', '$e', 't', {})
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SynapseAdminError);
    expect(refused).toMatchObject({ code: 'SYNAPSE_REFUSED', errcode: 'M_FORBIDDEN', retryable: false });
  });

  it('reports Synapse down or silent, and never puts a token in a message', async () => {
    const down = createSynapseAdmin({
      baseUrl: 'http://127.0.0.1:1',
      adminToken: 'syt_admin_secret',
      fetch,
      timeoutMs: 1000,
    });
    const unreachable = (await down
      .purgeHistory('!r:x', '$e')
      .catch((error: unknown) => error)) as SynapseAdminError;
    expect(unreachable.code).toBe('SYNAPSE_UNREACHABLE');

    answer = () => ({ status: 0, body: {} });
    const silent = (await admin(200)
      .purgeStatus('p')
      .catch((error: unknown) => error)) as SynapseAdminError;
    expect(silent.code).toBe('SYNAPSE_TIMEOUT');
    for (const error of [unreachable, silent]) expect(error.message).not.toContain('syt_admin_secret');
  });

  it('checks the admin token: whose it is (whoami), then that Synapse counts that account as an admin', async () => {
    answer = (request) =>
      request.url === '/_matrix/client/v3/account/whoami'
        ? { status: 200, body: { user_id: '@bleep-retention:x' } }
        : { status: 200, body: { admin: true } };
    await admin().verifyAdminToken();
    expect(seen.slice(-2).map((request) => [request.method, request.url, request.authorization])).toEqual([
      ['GET', '/_matrix/client/v3/account/whoami', 'Bearer syt_admin_secret'],
      ['GET', '/_synapse/admin/v1/users/%40bleep-retention%3Ax/admin', 'Bearer syt_admin_secret'],
    ]);

    // An account demoted since the token was minted: Synapse's admin routes answer it 403.
    answer = (request) =>
      request.url === '/_matrix/client/v3/account/whoami'
        ? { status: 200, body: { user_id: '@bleep-retention:x' } }
        : { status: 403, body: { errcode: 'M_FORBIDDEN', error: 'You are not a server admin' } };
    await expect(admin().verifyAdminToken()).rejects.toMatchObject({
      code: 'SYNAPSE_ADMIN_TOKEN_REJECTED',
      retryable: false,
    });
  });

  it("reports the admin token revoked or expired (Synapse's 401) by a code of its own, final, and never with the token", async () => {
    // The bodies Synapse 1.160 answers a revoked token and one past its valid_until_ms.
    for (const [body, expired] of [
      [{ errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token passed.', soft_logout: false }, false],
      [{ errcode: 'M_UNKNOWN_TOKEN', error: 'Access token has expired', soft_logout: true }, true],
    ] as const) {
      answer = () => ({ status: 401, body });
      for (const call of [
        () => admin().verifyAdminToken(),
        () => admin().purgeHistory('!r:x', '$e'),
        () => admin().deleteLocalMedia('x', 'abc'),
      ]) {
        const error = (await call().catch((caught: unknown) => caught)) as SynapseAdminError;
        expect(error).toMatchObject({
          code: 'SYNAPSE_ADMIN_TOKEN_REJECTED',
          errcode: 'M_UNKNOWN_TOKEN',
          retryable: false,
        });
        expect(error.message).toContain(expired ? '(M_UNKNOWN_TOKEN, expired)' : '(M_UNKNOWN_TOKEN)');
        expect(error.message).not.toContain('syt_admin_secret');
      }
    }
    // A member's token from loginAs that Synapse no longer takes is that member's, not the service's.
    answer = () => ({
      status: 401,
      body: { errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token passed.' },
    });
    await expect(admin().redact('puppet', '!r:x', '$e', 't', {})).rejects.toMatchObject({
      code: 'SYNAPSE_REFUSED',
    });
  });

  it('refuses an answer without the field it needs, rather than guessing', async () => {
    answer = () => ({ status: 200, body: {} });
    await expect(admin().purgeHistory('!r:x', '$e')).rejects.toMatchObject({ code: 'SYNAPSE_UNEXPECTED' });
    answer = () => ({ status: 200, body: { status: 'exploded' } });
    await expect(admin().purgeStatus('p')).rejects.toMatchObject({ code: 'SYNAPSE_UNEXPECTED' });
  });
});
