// The limiter in front of a stand-in route on a local port, which fails or succeeds as the test asks.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedAttemptLimit } from './failedAttemptLimit.ts';

describe('failed attempt limit', () => {
  let limited = 0;
  const app = express();
  app.post(
    '/attempt/:outcome',
    failedAttemptLimit(
      'enrolment',
      (request) => String(request.headers['x-test-client']),
      () => {
        limited += 1;
      },
      { failures: 2, windowMs: 60_000 },
    ),
    (request, response) => {
      response.status(request.params.outcome === 'ok' ? 200 : 403).json({});
    },
  );
  let server: Server;
  let url = '';

  beforeAll(async () => {
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const attempt = (outcome: 'ok' | 'fail', client: string) =>
    fetch(`${url}/attempt/${outcome}`, { method: 'POST', headers: { 'x-test-client': client } });

  it('refuses an address past its failures, telling the client what and when, in the standard header only', async () => {
    await attempt('fail', '10.9.0.1');
    await attempt('fail', '10.9.0.1');
    const refused = await attempt('fail', '10.9.0.1');
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { errcode: string; error: string; retry_after_ms: number };
    expect(body.errcode).toBe('M_LIMIT_EXCEEDED');
    expect(body.error).toBe('Too many failed enrolment attempts from this address: wait, then try again.');
    expect(body.retry_after_ms).toBeGreaterThan(59_000);
    expect(body.retry_after_ms).toBeLessThanOrEqual(60_000);
    expect(refused.headers.get('ratelimit-policy')).toMatch(/; q=2; w=60\b/);
    expect(refused.headers.get('ratelimit')).toMatch(/r=0; t=\d+/);
    expect(refused.headers.get('x-ratelimit-limit')).toBeNull();
    expect(refused.headers.get('retry-after')).not.toBeNull();
    expect(limited).toBe(1);
  });

  it('counts only failures, per address', async () => {
    for (let each = 0; each < 5; each += 1) expect((await attempt('ok', '10.9.0.2')).status).toBe(200);
    await attempt('fail', '10.9.0.2');
    expect((await attempt('fail', '10.9.0.3')).status).toBe(403);
  });
});
