import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientRoutes } from './clientRoutes.ts';
import { matchClientRoute } from './matchClientRoute.ts';

const routeName = (method: string, url: string) => {
  const match = matchClientRoute(method, url);
  return match.outcome === 'route' ? match.route.name : match.outcome;
};

describe('the client route table', () => {
  it('finds a route and reads its parameters as Synapse decodes them', () => {
    expect(
      matchClientRoute('PUT', '/_matrix/client/v3/rooms/%21r%3Ax/send/m.room.encrypted/t%2F1?x=1'),
    ).toMatchObject({
      outcome: 'route',
      route: { name: 'sendEvent', synapseServlet: 'RoomSendEventRestServlet' },
      params: { roomId: '!r:x', eventType: 'm.room.encrypted', txnId: 't/1' },
    });
  });

  it('reads an empty state key from a trailing slash, and a missing one as no key', () => {
    expect(matchClientRoute('PUT', '/_matrix/client/v3/rooms/!r:x/state/m.room.name/')).toMatchObject({
      params: { stateKey: '' },
    });
    expect(matchClientRoute('PUT', '/_matrix/client/v3/rooms/!r:x/state/m.room.name')).toMatchObject({
      outcome: 'route',
      params: { roomId: '!r:x', eventType: 'm.room.name' },
    });
  });

  it('says 405 for a known path and an unknown method, 404 for an unknown path, and lets a preflight through', () => {
    expect(matchClientRoute('DELETE', '/_matrix/client/v3/sync')).toEqual({
      outcome: 'unrecognised',
      status: 405,
    });
    expect(matchClientRoute('HEAD', '/_matrix/client/v3/sync')).toEqual({
      outcome: 'unrecognised',
      status: 405,
    });
    expect(matchClientRoute('GET', '/_matrix/client/v3/nothing')).toEqual({
      outcome: 'unrecognised',
      status: 404,
    });
    expect(matchClientRoute('OPTIONS', '/_matrix/client/v3/sync')).toEqual({ outcome: 'preflight' });
    expect(matchClientRoute('OPTIONS', '/_synapse/admin/v1/users')).toEqual({
      outcome: 'unrecognised',
      status: 404,
    });
  });

  it('refuses request targets that are not a plain path', () => {
    for (const target of [
      'http://evil.example/_matrix/client/v3/sync',
      '*',
      '',
      '_matrix/client/v3/sync',
      '/_matrix/client/v3/sync\u0080',
      '/_matrix/client/v3/s ync',
    ]) {
      expect(routeName('GET', target), target).toBe('unrecognised');
    }
  });

  it('reports a parameter that cannot be read as Synapse would read it', () => {
    for (const [path, reason] of [
      ['/_matrix/client/v3/rooms/%E0%A4%A/send/x/1', 'is not valid percent-encoding'],
      ['/_matrix/client/v3/rooms/!r%00/send/x/1', 'contains a NUL character'],
      ['/_matrix/client/v3/rooms/%ED%A0%80/send/x/1', 'is not valid percent-encoding'],
    ] as const) {
      expect(matchClientRoute('PUT', path), path).toMatchObject({
        outcome: 'bad-param',
        param: 'roomId',
        reason,
      });
    }
  });

  it('matches no spelling of a path but the one in the table: prefixes, case, encoding, slashes', () => {
    const send = ['rooms', '!r:x', 'send', 'm.room.message', 't1'];
    const spellings = fc.record({
      prefix: fc.constantFrom(
        'api/v1',
        'r0',
        'v1',
        'v2',
        'unstable',
        'unstable/org.matrix.msc2716',
        'V3',
        'v3/',
        '',
      ),
      encodeIndex: fc.nat(send.length - 1),
      upper: fc.boolean(),
      slashes: fc.constantFrom('/', '//', '/./'),
    });
    fc.assert(
      fc.property(spellings, ({ prefix, encodeIndex, upper, slashes }) => {
        // Percent-encode one letter of a literal segment, or change its case: Synapse matches neither.
        const segments = send.map((segment, index) => {
          if (index !== encodeIndex || index === 1 || index >= 3) return segment;
          return upper ? segment.toUpperCase() : `%${segment.charCodeAt(0).toString(16)}${segment.slice(1)}`;
        });
        const path = `/_matrix/client/${prefix}${slashes}${segments.join('/')}`;
        const canonical = path === '/_matrix/client/v3/rooms/!r:x/send/m.room.message/t1';
        expect(routeName('PUT', path) === 'sendEvent', path).toBe(canonical);
      }),
    );
  });

  it('has one route per path and method, every template under an API prefix Synapse serves', () => {
    const seen = new Set<string>();
    for (const route of clientRoutes) {
      expect(route.template.source).toMatch(/^\/(_matrix\/(client|media)\/|\.well-known\/matrix\/client$)/);
      for (const method of route.methods) {
        const key = `${method} ${route.template.source}`;
        expect(seen.has(key), key).toBe(false);
        seen.add(key);
      }
    }
  });
});
