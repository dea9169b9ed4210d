import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { federationRoutes } from './federationRoutes.ts';
import { matchFederationRoute } from './matchFederationRoute.ts';

const routeName = (method: string, url: string) => {
  const match = matchFederationRoute(method, url);
  return match.outcome === 'route' ? match.route.name : match.outcome;
};

describe('the federation route table', () => {
  it('finds a transaction and reads its id as Synapse decodes it', () => {
    expect(matchFederationRoute('PUT', '/_matrix/federation/v1/send/1700000000%2F1')).toMatchObject({
      outcome: 'route',
      route: {
        name: 'transaction',
        synapseServlet: 'FederationSendServlet',
        access: 'partner',
        body: 'transaction',
      },
      params: { txnId: '1700000000/1' },
    });
  });

  it('keeps only the version and this server’s keys open to servers that are not partners', () => {
    const open = federationRoutes
      .filter((route) => route.access === 'open')
      .map((route) => route.template.source);
    expect(open).toEqual(['/_matrix/federation/v1/version', '/_matrix/key/v2/server']);
  });

  it('refuses what a partner does not need, and the legacy spellings of what it does', () => {
    for (const [method, path] of [
      ['PUT', '/_matrix/federation/v1/send_join/!r:x/$e'],
      ['PUT', '/_matrix/federation/v1/invite/!r:x/$e'],
      ['PUT', '/_matrix/federation/v1/send_leave/!r:x/$e'],
      ['GET', '/_matrix/federation/v1/make_knock/!r:x/@u:y'],
      ['PUT', '/_matrix/federation/v1/send_knock/!r:x/$e'],
      ['GET', '/_matrix/federation/v1/publicRooms'],
      ['POST', '/_matrix/federation/v1/publicRooms'],
      ['GET', '/_matrix/federation/v1/hierarchy/!r:x'],
      ['GET', '/_matrix/federation/v1/timestamp_to_event/!r:x'],
      ['PUT', '/_matrix/federation/v1/exchange_third_party_invite/!r:x'],
      ['POST', '/_matrix/federation/v1/3pid/onbind'],
      ['GET', '/_matrix/federation/v1/openid/userinfo?access_token=t'],
      ['GET', '/_matrix/federation/v1/query/account_status'],
      ['POST', '/_matrix/federation/unstable/user/keys/claim'],
      ['GET', '/_matrix/federation/unstable/rooms/!r:x/complexity'],
      ['GET', '/_matrix/key/v2/query/evil.example'],
      ['POST', '/_matrix/key/v2/query'],
      ['GET', '/_matrix/key/v2/server/ed25519:a'],
      ['GET', '/_matrix/media/v3/download/x.example/abc'],
      ['GET', '/_matrix/media/r0/download/x.example/abc'],
      ['GET', '/_matrix/client/v3/sync'],
      ['GET', '/_synapse/admin/v1/users'],
      ['GET', '/.well-known/matrix/server'],
      ['PUT', '/_matrix/federation/v1/send/t1/'],
      ['PUT', '/_matrix/federation/v1/send/'],
    ] as const) {
      expect(routeName(method, path), `${method} ${path}`).toBe('unrecognised');
    }
  });

  it('says 405 for a known path and a method it does not take, 404 for an unknown path', () => {
    expect(matchFederationRoute('GET', '/_matrix/federation/v1/send/t1')).toEqual({
      outcome: 'unrecognised',
      status: 405,
    });
    expect(matchFederationRoute('OPTIONS', '/_matrix/federation/v1/version')).toEqual({
      outcome: 'unrecognised',
      status: 405,
    });
    expect(matchFederationRoute('GET', '/_matrix/federation/v1/nothing')).toEqual({
      outcome: 'unrecognised',
      status: 404,
    });
    for (const target of ['http://x.example/_matrix/federation/v1/version', '*', '']) {
      expect(routeName('GET', target), target).toBe('unrecognised');
    }
  });

  it('reports a parameter that cannot be read as Synapse would read it', () => {
    expect(matchFederationRoute('GET', '/_matrix/federation/v1/state_ids/!r%00x')).toMatchObject({
      outcome: 'bad-param',
      param: 'roomId',
      reason: 'contains a NUL character',
    });
    expect(matchFederationRoute('PUT', '/_matrix/federation/v1/send/%E0%A4%A')).toMatchObject({
      outcome: 'bad-param',
      param: 'txnId',
    });
  });

  it('matches no spelling of the transaction path but the one in the table: versions, case, encoding, slashes', () => {
    const spellings = fc.record({
      version: fc.constantFrom('v1', 'v2', 'V1', 'unstable', 'r0', ''),
      send: fc.constantFrom('send', 'SEND', 'Send', '%73end', 'sen%64'),
      slashes: fc.constantFrom('/', '//', '/./'),
      api: fc.constantFrom('federation', 'Federation', 'federation%2F', 'key'),
    });
    fc.assert(
      fc.property(spellings, ({ version, send, slashes, api }) => {
        const path = `/_matrix/${api}/${version}${slashes}${send}/t1`;
        const canonical = path === '/_matrix/federation/v1/send/t1';
        expect(routeName('PUT', path) === 'transaction', path).toBe(canonical);
      }),
    );
  });

  it('has one route per path and method, every one under the federation or key API', () => {
    const seen = new Set<string>();
    for (const route of federationRoutes) {
      expect(route.template.source).toMatch(/^\/_matrix\/(federation\/v[12]\/|key\/v2\/server$)/);
      for (const method of route.methods) {
        const key = `${method} ${route.template.source}`;
        expect(seen.has(key), key).toBe(false);
        seen.add(key);
      }
    }
    // Only the transaction is read by the gateway; everything else streams to Synapse.
    expect(
      federationRoutes.filter((route) => route.body === 'transaction').map((route) => route.name),
    ).toEqual(['transaction']);
  });
});
