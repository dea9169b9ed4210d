import { describe, expect, it } from 'vitest';
import { answeringFetch, jsonResponse, recordingLogger } from '../platform.testkit.ts';
import { fetchLegalHolds, heldRoomIdsIn } from './legalHolds.ts';

const session = { serverUrl: 'https://bleep.trust-a.example', accessToken: 'syt_secret_token' };

describe('legal holds', () => {
  it('asks the gateway with the device token and reads the held rooms', async () => {
    const { fetch, requests } = answeringFetch(() =>
      jsonResponse(200, { rooms: ['!inquiry:trust-a.example', '!sar:trust-a.example'] }),
    );
    const logger = recordingLogger();
    expect(await fetchLegalHolds({ fetch, logger }, session)).toEqual({
      status: 'in-force',
      roomIds: ['!inquiry:trust-a.example', '!sar:trust-a.example'],
    });
    expect(requests[0]?.method).toBe('GET');
    expect(requests[0]?.url.href).toBe('https://bleep.trust-a.example/_bleep/legal-holds');
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer syt_secret_token');
    expect(JSON.stringify(logger.lines)).not.toContain('syt_secret_token');
  });

  it('holds nothing when the gateway has no such route yet (404)', async () => {
    const { fetch } = answeringFetch(() =>
      jsonResponse(404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized' }),
    );
    expect(await fetchLegalHolds({ fetch, logger: recordingLogger() }, session)).toEqual({
      status: 'unavailable',
      problem: 'unexpected-answer',
    });
  });

  it('holds nothing when the server is down', async () => {
    const fetch = () => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));
    expect(await fetchLegalHolds({ fetch, logger: recordingLogger() }, session)).toEqual({
      status: 'unavailable',
      problem: 'server-down',
    });
  });

  it('holds nothing when the answer is not a list of room ids', async () => {
    for (const body of [{}, { rooms: 'all' }, { rooms: [42] }, { rooms: ['not-a-room'] }, null]) {
      const { fetch } = answeringFetch(() => jsonResponse(200, body));
      expect(await fetchLegalHolds({ fetch, logger: recordingLogger() }, session)).toMatchObject({
        status: 'unavailable',
      });
    }
  });

  it('reads room ids of every room version, once each', () => {
    expect(heldRoomIdsIn({ rooms: ['!a:x.org', '!a:x.org', '!opaqueV12Id'] })).toEqual([
      '!a:x.org',
      '!opaqueV12Id',
    ]);
    expect(heldRoomIdsIn({ rooms: [] })).toEqual([]);
    expect(heldRoomIdsIn({ rooms: ['!a b:x'] })).toBeUndefined();
  });
});
