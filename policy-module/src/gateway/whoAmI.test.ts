// Unit test of the token-owner lookup against a stand-in for Synapse's /account/whoami (unit test only).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWhoAmI } from './whoAmI.ts';

let asked = 0;
let askedAt = '';
/** What the stand-in answers; a 200 names the token's owner unless `body` is given. */
let answer: { status: number; body?: unknown } = { status: 200 };
const standIn = createServer((request, response) => {
  asked += 1;
  askedAt = request.url ?? '';
  const token = request.headers.authorization?.replace('Bearer ', '') ?? '';
  const body = answer.body ?? { user_id: `@${token}:x`, device_id: 'PC1' };
  response.writeHead(answer.status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
});
let synapseUrl = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  synapseUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => standIn.close(resolve));
});

describe('who is behind an access token', () => {
  it('asks Synapse once per token while the answer is fresh, then again', async () => {
    let now = 0;
    const whoAmI = createWhoAmI(synapseUrl, { ttlMs: 1000, now: () => now });
    answer = { status: 200 };
    asked = 0;
    expect(await whoAmI('amy')).toEqual({
      outcome: 'identity',
      identity: { userId: '@amy:x', deviceId: 'PC1' },
    });
    expect(askedAt).toBe('/_matrix/client/v3/account/whoami');
    expect(await whoAmI('amy')).toMatchObject({ identity: { userId: '@amy:x' } });
    expect(asked).toBe(1);
    expect(await whoAmI('bob')).toMatchObject({ identity: { userId: '@bob:x' } });
    expect(asked).toBe(2);
    // Both answers are remembered side by side.
    expect(await whoAmI('amy')).toMatchObject({ identity: { userId: '@amy:x' } });
    expect(asked).toBe(2);
    now = 1000;
    await whoAmI('amy');
    expect(asked).toBe(3);
  });

  it('remembers a token Synapse does not know, but not a Synapse that did not answer, which it reports', async () => {
    const failures: string[] = [];
    const whoAmI = createWhoAmI(synapseUrl, { onUnavailable: (reason) => failures.push(reason) });
    asked = 0;
    answer = { status: 401, body: { errcode: 'M_UNKNOWN_TOKEN' } };
    expect(await whoAmI('gone')).toEqual({ outcome: 'unknown-token', softLogout: false });
    expect(await whoAmI('gone')).toEqual({ outcome: 'unknown-token', softLogout: false });
    expect(asked).toBe(1);
    answer = { status: 401, body: { errcode: 'M_UNKNOWN_TOKEN', soft_logout: true } };
    expect(await whoAmI('expired')).toEqual({ outcome: 'unknown-token', softLogout: true });
    expect(asked).toBe(2);
    asked = 1;
    answer = { status: 502, body: {} };
    expect(await whoAmI('busy')).toEqual({ outcome: 'unavailable' });
    expect(failures).toEqual(['Synapse did not answer /account/whoami']);
    answer = { status: 200 };
    expect(await whoAmI('busy')).toMatchObject({ outcome: 'identity' });
    expect(asked).toBe(3);
    expect(await createWhoAmI('http://127.0.0.1:1')('x')).toEqual({ outcome: 'unavailable' });
  });

  it('keeps at most maxEntries answers', async () => {
    const whoAmI = createWhoAmI(synapseUrl, { maxEntries: 2 });
    answer = { status: 200 };
    asked = 0;
    for (const token of ['a', 'b', 'c', 'a']) await whoAmI(token);
    // "c" cleared the full cache, so "a" was asked for again.
    expect(asked).toBe(4);
  });

  it('believes only a 200 that names a user, and a device only when it names one', async () => {
    const whoAmI = createWhoAmI(synapseUrl);
    answer = { status: 500, body: { user_id: '@mallory:x', device_id: 'PC1' } };
    expect(await whoAmI('t1')).toEqual({ outcome: 'unavailable' });
    answer = { status: 200, body: { device_id: 'PC1' } };
    expect(await whoAmI('t2')).toEqual({ outcome: 'unavailable' });
    answer = { status: 200, body: { user_id: '@appservice:x' } };
    expect(await whoAmI('t3')).toEqual({
      outcome: 'identity',
      identity: { userId: '@appservice:x', deviceId: null },
    });
  });
});
