import { describe, expect, it } from 'vitest';
import { UnexpectedAnswerError } from '../errors/clientErrors.ts';
import { answeringFetch, jsonResponse } from '../platform.testkit.ts';
import { expiryReportFor, sendExpiryReport } from './expiryReport.ts';

const session = { serverUrl: 'https://bleep.trust-a.example', accessToken: 'syt_device_token' };

describe('the expiry report', () => {
  it('states the oldest message outside a legal hold and the sweep time, in whole milliseconds', () => {
    expect(
      expiryReportFor({
        sweptAt: 1_764_331_200_000.7,
        clientDays: 90,
        oldestKeptAt: 1_000,
        oldestOutsideHoldAt: 5_000.9,
      }),
    ).toEqual({ oldest_ts: 5_000, swept_at: 1_764_331_200_000 });
    expect(
      expiryReportFor({ sweptAt: 7, clientDays: 90, oldestKeptAt: 3, oldestOutsideHoldAt: null }),
    ).toEqual({
      oldest_ts: null,
      swept_at: 7,
    });
  });

  it('posts exactly { oldest_ts, swept_at } with the device token', async () => {
    const { fetch, requests } = answeringFetch(() => jsonResponse(200, {}));
    await sendExpiryReport({ fetch }, session, { oldest_ts: null, swept_at: 1_764_331_200_000 });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.url.href).toBe('https://bleep.trust-a.example/_bleep/expiry-report');
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer syt_device_token');
    expect(requests[0]?.headers.get('content-type')).toBe('application/json');
    expect(requests[0]?.body).toStrictEqual({ oldest_ts: null, swept_at: 1_764_331_200_000 });
  });

  it('takes any success, with or without a body', async () => {
    const { fetch } = answeringFetch(() => new Response(null, { status: 204 }));
    await expect(
      sendExpiryReport({ fetch }, session, { oldest_ts: 1, swept_at: 2 }),
    ).resolves.toBeUndefined();
  });

  it('throws the typed error for a refusal, such as a gateway without the route', async () => {
    const { fetch } = answeringFetch(() => jsonResponse(404, { errcode: 'M_UNRECOGNIZED', error: 'no' }));
    await expect(sendExpiryReport({ fetch }, session, { oldest_ts: 1, swept_at: 2 })).rejects.toMatchObject({
      constructor: UnexpectedAnswerError,
      status: 404,
      errcode: 'M_UNRECOGNIZED',
    });
  });
});
