// Unit test of the token-owner lookup against a stand-in for Synapse's /account/whoami (unit test only).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWhoAmI } from './whoAmI.ts';

let asked = 0;
let answer: { status: number; body: unknown } = { status: 200, body: {} };
const standIn = createServer((request, response) => {
  asked += 1;
  const token = request.headers.authorization?.replace('Bearer ', '') ?? '';
  const body = answer.status === 200 ? { user_id: `@${token}:x`, device_id: 'PC1' } : answer.body;
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
    answer = { status: 200, body: {} };
    asked = 0;
    expect(await whoAmI('amy')).toEqual({
      outcome: 'identity',
      identity: { userId: '@amy:x', deviceId: 'PC1' },
    });
    expect(await whoAmI('amy')).toMatchObject({ identity: { userId: '@amy:x' } });
    expect(asked).toBe(1);
    expect(await whoAmI('bob')).toMatchObject({ identity: { userId: '@bob:x' } });
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
    expect(await whoAmI('gone')).toEqual({ outcome: 'unknown-token' });
    expect(await whoAmI('gone')).toEqual({ outcome: 'unknown-token' });
    expect(asked).toBe(1);
    answer = { status: 502, body: {} };
    expect(await whoAmI('busy')).toEqual({ outcome: 'unavailable' });
    expect(failures).toHaveLength(1);
    answer = { status: 200, body: {} };
    expect(await whoAmI('busy')).toMatchObject({ outcome: 'identity' });
    expect(asked).toBe(3);
    expect(await createWhoAmI('http://127.0.0.1:1')('x')).toEqual({ outcome: 'unavailable' });
  });

  it('keeps at most maxEntries answers', async () => {
    const whoAmI = createWhoAmI(synapseUrl, { maxEntries: 2 });
    answer = { status: 200, body: {} };
    asked = 0;
    for (const token of ['a', 'b', 'c', 'a']) await whoAmI(token);
    // "c" cleared the full cache, so "a" was asked for again.
    expect(asked).toBe(4);
  });
});
