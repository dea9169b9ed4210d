// createJoinedRooms against a stand-in Synapse on a local port (unit test only).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJoinedRooms } from './joinedRooms.ts';

const answers: Record<string, [number, string]> = {
  'Bearer good': [200, JSON.stringify({ joined_rooms: ['!a:x', '!b:x'] })],
  'Bearer gone': [401, JSON.stringify({ errcode: 'M_UNKNOWN_TOKEN', error: 'Unknown token' })],
  'Bearer odd': [200, JSON.stringify({ joined_rooms: ['!a:x', 7] })],
  'Bearer busy': [500, 'Internal Server Error'],
};
const asked: string[] = [];
const server: Server = createServer((request, response) => {
  asked.push(`${request.method ?? ''} ${request.url ?? ''}`);
  const [status, body] = answers[request.headers.authorization ?? ''] ?? [404, '{}'];
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(body);
});
let synapseUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  synapseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('joined rooms, asked of Synapse with the caller’s own token', () => {
  it('reads the room list from GET /joined_rooms', async () => {
    expect(await createJoinedRooms(synapseUrl)('good')).toEqual({
      outcome: 'rooms',
      roomIds: ['!a:x', '!b:x'],
    });
    expect(asked.at(-1)).toBe('GET /_matrix/client/v3/joined_rooms');
  });

  it('tells an unknown token from a Synapse that is down or answers nonsense', async () => {
    const joined = createJoinedRooms(synapseUrl);
    expect(await joined('gone')).toEqual({ outcome: 'unknown-token' });
    expect(await joined('odd')).toMatchObject({ outcome: 'unavailable' });
    const busy = await joined('busy');
    expect(busy.outcome).toBe('unavailable');
    expect(busy.outcome === 'unavailable' ? busy.reason : '').toContain('500');
    expect(await createJoinedRooms('http://127.0.0.1:1')('good')).toMatchObject({
      outcome: 'unavailable',
      reason: 'cannot reach Synapse',
    });
  });

  it('gives up on a Synapse that takes the request and never answers', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      expect(await createJoinedRooms(`http://127.0.0.1:${port}`, 50)('good')).toEqual({
        outcome: 'unavailable',
        reason: 'Synapse did not answer in time',
      });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
