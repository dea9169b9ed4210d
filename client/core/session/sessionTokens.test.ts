import { describe, expect, it } from 'vitest';
import {
  answeringFetch,
  createTestPlatform,
  jsonResponse,
  type RecordedRequest,
} from '../platform.testkit.ts';
import type { SessionRecord } from './sessionRecords.ts';
import { createSessionTokens, type SessionTokensOptions } from './sessionTokens.ts';

const serverUrl = 'https://bleep.trust-a.example';
const record: SessionRecord = {
  serverUrl,
  userId: '@amelia:trust-a.example',
  deviceId: 'WARD12-PC03',
  accessToken: 'syt_old',
  refreshToken: 'syr_old',
  signedInAt: 0,
};
// The gateway's answer to an expired token: its own, without Synapse's soft_logout (policy-module whoAmI.ts).
const unknownToken = { errcode: 'M_UNKNOWN_TOKEN', error: 'Unrecognised access token' };

type Server = Readonly<{ tokens: Set<string>; refresh: (request: RecordedRequest) => Response }>;

/** A homeserver behind the gateway: the tokens it takes now, and how it answers /refresh. */
function serverWith(server: Server) {
  return answeringFetch((request) => {
    if (request.url.pathname === '/_matrix/client/v3/refresh') return server.refresh(request);
    const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? '';
    return server.tokens.has(token) ? jsonResponse(200, { ok: token }) : jsonResponse(401, unknownToken);
  });
}

function renewsTo(accessToken: string, refreshToken: string) {
  return () =>
    jsonResponse(200, { access_token: accessToken, refresh_token: refreshToken, expires_in_ms: 300_000 });
}

function tokensOver(
  fetch: typeof globalThis.fetch,
  overrides: Partial<SessionTokensOptions> = {},
  events: string[] = [],
) {
  const test = createTestPlatform({ fetch });
  const kept: SessionRecord[] = [];
  const tokens = createSessionTokens({
    platform: test.platform,
    record,
    deviceCredential: 'credential-value',
    keep: (next) => {
      events.push(`kept ${next.accessToken}`);
      kept.push(next);
      return Promise.resolve();
    },
    ...overrides,
  });
  return { tokens, kept, logger: test.logger };
}

const sync = `${serverUrl}/_matrix/client/v3/sync`;
const pathOf = (input: string | URL | Request) =>
  new URL(input instanceof Request ? input.url : input).pathname;
const withToken = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });

describe("a session's tokens", () => {
  it('renews an expired access token with the refresh token, keeps the new pair, then sends the request again', async () => {
    const events: string[] = [];
    const server = serverWith({ tokens: new Set(['syt_new']), refresh: renewsTo('syt_new', 'syr_new') });
    const recording: typeof globalThis.fetch = (input, init) => {
      events.push(`request ${pathOf(input)} ${new Headers(init?.headers).get('authorization') ?? ''}`);
      return server.fetch(input, init);
    };
    const { tokens, kept } = tokensOver(recording, {}, events);

    const response = await tokens.fetch(sync, withToken('syt_old'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: 'syt_new' });
    // Kept before the new token is first used: a crash between the two loses nothing.
    expect(events).toEqual([
      'request /_matrix/client/v3/sync Bearer syt_old',
      'request /_matrix/client/v3/refresh ',
      'kept syt_new',
      'request /_matrix/client/v3/sync Bearer syt_new',
    ]);
    expect(kept).toEqual([{ ...record, accessToken: 'syt_new', refreshToken: 'syr_new' }]);
    expect(tokens.current()).toEqual(kept[0]);
    const refresh = server.requests.find((request) => request.url.pathname.endsWith('/refresh'));
    expect(refresh?.body).toEqual({ refresh_token: 'syr_old' });
    expect(refresh?.headers.get('x-bleep-device-credential')).toBe('credential-value');
    expect(refresh?.headers.get('authorization')).toBeNull();
  });

  it('renews once for every request refused at the same moment, and gives a stale token the current one', async () => {
    const server = serverWith({ tokens: new Set(['syt_new']), refresh: renewsTo('syt_new', 'syr_new') });
    const { tokens } = tokensOver(server.fetch);
    const answers = await Promise.all([1, 2, 3].map(() => tokens.fetch(sync, withToken('syt_old'))));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(server.requests.filter((request) => request.url.pathname.endsWith('/refresh'))).toHaveLength(1);
    // A copy of the old token (the expiry report's, the SDK's) goes out as the current one, without a 401 first.
    const before = server.requests.length;
    expect(await (await tokens.fetch(sync, withToken('syt_old'))).json()).toEqual({ ok: 'syt_new' });
    expect(server.requests.length).toBe(before + 1);
  });

  it('renews again, when that token expires too, for a request made with the token it renewed to', async () => {
    const accepted = new Set(['syt_new']);
    let next = 0;
    const server = serverWith({
      tokens: accepted,
      refresh: () => {
        next += 1;
        return renewsTo(`syt_new${next}`, `syr_new${next}`)();
      },
    });
    const { tokens } = tokensOver(server.fetch);
    accepted.add('syt_new1');
    await tokens.fetch(sync, withToken('syt_old'));
    accepted.clear();
    accepted.add('syt_new2');
    const answer = await tokens.fetch(sync, withToken(tokens.current().accessToken));
    expect(await answer.json()).toEqual({ ok: 'syt_new2' });
    expect(tokens.current()).toMatchObject({ accessToken: 'syt_new2', refreshToken: 'syr_new2' });
  });

  it('leaves alone what is not this session: no token, a token it never held, another server', async () => {
    const server = serverWith({ tokens: new Set(), refresh: renewsTo('syt_new', 'syr_new') });
    const { tokens } = tokensOver(server.fetch);
    expect((await tokens.fetch(`${serverUrl}/_matrix/client/versions`)).status).toBe(401);
    expect((await tokens.fetch(sync, withToken('syt_someone_else'))).status).toBe(401);
    expect((await tokens.fetch('https://elsewhere.example/sync', withToken('syt_old'))).status).toBe(401);
    expect(server.requests.map((request) => request.url.pathname)).not.toContain(
      '/_matrix/client/v3/refresh',
    );
    expect(server.requests.map((request) => request.headers.get('authorization'))).toEqual([
      null,
      'Bearer syt_someone_else',
      'Bearer syt_old',
    ]);
  });

  it('answers a refresh refused as expired (403 M_FORBIDDEN) as a soft logout, and asks the server no more', async () => {
    const server = serverWith({
      tokens: new Set(),
      refresh: () =>
        jsonResponse(403, { errcode: 'M_FORBIDDEN', error: 'The supplied refresh token has expired' }),
    });
    const { tokens, kept } = tokensOver(server.fetch);
    const answer = await tokens.fetch(sync, withToken('syt_old'));
    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN', soft_logout: true });
    expect(tokens.ending()).toBe('expired');
    expect(kept).toEqual([]);
    const asked = server.requests.length;
    expect(await (await tokens.fetch(sync, withToken('syt_old'))).json()).toMatchObject({
      soft_logout: true,
    });
    expect(server.requests.length).toBe(asked);
  });

  it("passes on the server's own answer when the refresh token is gone with the device (a hard logout)", async () => {
    const server = serverWith({
      tokens: new Set(),
      refresh: () => jsonResponse(401, { errcode: 'M_UNKNOWN_TOKEN', error: 'refresh token does not exist' }),
    });
    const { tokens } = tokensOver(server.fetch);
    const answer = await tokens.fetch(sync, withToken('syt_old'));
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual(unknownToken);
    expect(tokens.ending()).toBe('signed-out');
  });

  it("tells a revoked desktop by the gateway's rule, as the gateway would", async () => {
    const server = serverWith({
      tokens: new Set(),
      refresh: () =>
        jsonResponse(401, {
          errcode: 'M_UNKNOWN_TOKEN',
          error: 'not enrolled',
          'uk.nhs.bleep.rule': 'device-enrolment',
        }),
    });
    const { tokens } = tokensOver(server.fetch);
    expect(await (await tokens.fetch(sync, withToken('syt_old'))).json()).toMatchObject({
      errcode: 'M_UNKNOWN_TOKEN',
      'uk.nhs.bleep.rule': 'device-enrolment',
    });
    expect(tokens.ending()).toBe('revoked');
  });

  it('does not renew past a refusal by a gateway rule (a revoked desktop)', async () => {
    const revoked = { errcode: 'M_UNKNOWN_TOKEN', error: 'x', 'uk.nhs.bleep.rule': 'device-enrolment' };
    const server = answeringFetch(() => jsonResponse(401, revoked));
    const { tokens } = tokensOver(server.fetch);
    expect(await (await tokens.fetch(sync, withToken('syt_old'))).json()).toEqual(revoked);
    expect(server.requests).toHaveLength(1);
  });

  it('ends nothing when the refresh gets no answer: the request fails like a network failure and is tried again', async () => {
    let serverDown = true;
    const server = serverWith({
      tokens: new Set(['syt_new']),
      refresh: () =>
        serverDown ? jsonResponse(502, { errcode: 'M_UNKNOWN' }) : renewsTo('syt_new', 'syr_new')(),
    });
    const { tokens } = tokensOver(server.fetch);
    await expect(tokens.fetch(sync, withToken('syt_old'))).rejects.toBeInstanceOf(TypeError);
    expect(tokens.ending()).toBeUndefined();
    serverDown = false;
    expect((await tokens.fetch(sync, withToken('syt_old'))).status).toBe(200);
  });

  it('does not use a renewed pair it could not keep (the old refresh token stays good until the new pair is used)', async () => {
    const server = serverWith({ tokens: new Set(['syt_new']), refresh: renewsTo('syt_new', 'syr_new') });
    const { tokens } = tokensOver(server.fetch, { keep: () => Promise.reject(new Error('disk full')) });
    await expect(tokens.fetch(sync, withToken('syt_old'))).rejects.toBeInstanceOf(TypeError);
    expect(tokens.current()).toEqual(record);
    expect(server.requests.map((request) => request.headers.get('authorization'))).not.toContain(
      'Bearer syt_new',
    );
  });

  it('keeps nothing from a renewal that finishes after the session closed', async () => {
    let answerRefresh: (response: Response) => void = () => undefined;
    const server = serverWith({ tokens: new Set(['syt_new']), refresh: () => jsonResponse(500, {}) });
    const slow: typeof globalThis.fetch = (input, init) =>
      pathOf(input).endsWith('/refresh')
        ? new Promise((resolve) => {
            answerRefresh = resolve;
          })
        : server.fetch(input, init);
    const { tokens, kept } = tokensOver(slow);
    const request = tokens.fetch(sync, withToken('syt_old')).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const closed = tokens.close();
    answerRefresh(renewsTo('syt_new', 'syr_new')());
    await closed;
    await request;
    expect(kept).toEqual([]);
  });

  it('passes the answer on for a session signed in before refresh tokens, as before', async () => {
    const { refreshToken: _none, ...withoutRefresh } = record;
    const server = serverWith({ tokens: new Set(), refresh: renewsTo('syt_new', 'syr_new') });
    const test = createTestPlatform({ fetch: server.fetch });
    const tokens = createSessionTokens({
      platform: test.platform,
      record: withoutRefresh,
      keep: () => Promise.resolve(),
    });
    expect(await (await tokens.fetch(sync, withToken('syt_old'))).json()).toEqual(unknownToken);
    expect(server.requests).toHaveLength(1);
  });

  it('logs no token', async () => {
    const server = serverWith({ tokens: new Set(['syt_new']), refresh: renewsTo('syt_new', 'syr_new') });
    const { tokens, logger } = tokensOver(server.fetch);
    await tokens.fetch(sync, withToken('syt_old'));
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logger.lines)).not.toMatch(/sy[tr]_/);
  });
});
