// Proves the Synapse route tool (deploy/synapse/routes, local/src/synapseRoutes.ts) against the real Synapse source
// in the sid root: it runs Synapse's own registration and routing code under chroot. Needs the built sid root, not
// the running homeservers.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  readSynapseRouteSnapshot,
  refreshSynapseRouteSnapshot,
  synapseRouteSnapshot,
  synapseRouteSnapshotPath,
} from '../../local/src/synapseRouteSnapshot.ts';
import {
  listSynapseRoutes,
  routeInSynapse,
  type SynapseRequest,
  type SynapseRoute,
  type SynapseRouting,
} from '../../local/src/synapseRoutes.ts';

// The requests the examples below ask about, routed in one batch (one Python process).
const examples = {
  messageSend: { method: 'PUT', path: '/_matrix/client/v3/rooms/%21r%3Ax/send/m.room.message/t1' },
  oldPrefixLogin: { method: 'POST', path: '/_matrix/client/api/v1/login' },
  unknownPath: { method: 'GET', path: '/_matrix/client/v3/nothing' },
  unhandledMethod: { method: 'DELETE', path: '/_matrix/client/v3/login' },
  head: { method: 'HEAD', path: '/_matrix/client/v3/login' },
  queryString: { method: 'GET', path: '/_matrix/client/v3/sync?since=s1&timeout=0' },
  encodedPrefix: { method: 'GET', path: '/_matrix/%63lient/v3/sync' },
  federationOnClientListener: { method: 'GET', path: '/_matrix/federation/v1/version', listener: 'client' },
  federationOnFederationListener: {
    method: 'GET',
    path: '/_matrix/federation/v1/version',
    listener: 'federation',
  },
} satisfies Record<string, SynapseRequest>;

let routes: SynapseRoute[];
let routed: Record<keyof typeof examples, SynapseRouting>;

beforeAll(async () => {
  const names = Object.keys(examples) as (keyof typeof examples)[];
  const [listed, answers] = await Promise.all([
    listSynapseRoutes(),
    routeInSynapse(names.map((name) => examples[name])),
  ]);
  routes = listed;
  routed = Object.fromEntries(names.map((name, index) => [name, answers[index]])) as typeof routed;
});

describe('Synapse routing, as the installed Synapse decides it', () => {
  it('routes a message send (PUT with a percent-encoded room id) to RoomSendEventRestServlet', () => {
    expect(routed.messageSend).toMatchObject({
      servlet: 'RoomSendEventRestServlet',
      status: 200,
      resource: 'client',
    });
  });

  it('routes a login on the old api/v1 prefix to LoginRestServlet', () => {
    expect(routed.oldPrefixLogin).toMatchObject({ servlet: 'LoginRestServlet', status: 200 });
  });

  it('answers 404 for a client path no pattern matches', () => {
    expect(routed.unknownPath).toMatchObject({ servlet: null, status: 404, resource: 'client' });
  });

  it('answers 405 when the first matching pattern has no handler for the method', () => {
    expect(routed.unhandledMethod).toMatchObject({
      servlet: null,
      status: 405,
      pattern: '^/_matrix/client/(api/v1|r0|v3|unstable)/login$',
    });
  });

  it('serves HEAD with the GET handler', () => {
    expect(routed.head).toMatchObject({ servlet: 'LoginRestServlet', status: 200 });
  });

  it('ignores the query string', () => {
    expect(routed.queryString).toMatchObject({ servlet: 'SyncRestServlet', status: 200 });
  });

  it('matches the raw path: a percent-encoded prefix reaches the client resource but no pattern', () => {
    // twisted unquotes path segments to pick the resource; Synapse's regexes then see the raw path.
    expect(routed.encodedPrefix).toMatchObject({ servlet: null, status: 404, resource: 'client' });
  });

  it('routes by listener: federation paths exist only on the federation listener', () => {
    expect(routed.federationOnClientListener).toMatchObject({ servlet: null, status: 404, resource: null });
    expect(routed.federationOnFederationListener).toMatchObject({
      servlet: 'FederationVersionServlet',
      status: 200,
    });
  });

  it('lists the servlets above, and the server-side key backup servlets', () => {
    const servlets = new Set(routes.map((route) => route.servlet));
    for (const servlet of [
      'RoomSendEventRestServlet',
      'LoginRestServlet',
      'SyncRestServlet',
      'RoomKeysServlet',
      'RoomKeysVersionServlet',
      'RoomKeysNewVersionServlet',
    ]) {
      expect(servlets, servlet).toContain(servlet);
    }
    const keyBackup = routes.filter((route) => route.pattern.includes('/room_keys/'));
    expect(keyBackup.flatMap((route) => route.samples)).toContain('/_matrix/client/v3/room_keys/version');
  });

  it('routes every sample of every reachable route to that route (list and route agree)', async () => {
    const reachable = routes.filter((route) => route.reachable);
    const cases = reachable.flatMap((route) =>
      route.samples.flatMap((path) => route.methods.map((method) => ({ route, request: { method, path } }))),
    );
    const routings = await routeInSynapse(cases.map(({ request }) => request));
    const disagreements = cases.flatMap(({ route, request }, index) => {
      const routing = routings[index];
      const agrees =
        routing?.status === 200 &&
        routing.servlet === route.servlet &&
        routing.resource === route.resource &&
        (routing.pattern === null || routing.pattern === route.pattern);
      return agrees
        ? []
        : [`${request.method} ${request.path}: listed ${route.servlet}, routed ${JSON.stringify(routing)}`];
    });
    expect(disagreements).toEqual([]);
    expect(cases.length).toBeGreaterThan(500);
  });

  it("has today's Synapse routes equal to the checked-in snapshot", async () => {
    expect(
      synapseRouteSnapshot(routes),
      `Synapse's routes differ from ${synapseRouteSnapshotPath}. Check each new, removed or reordered door ` +
        `against the gateway's route table, then refresh the snapshot (as root): ${refreshSynapseRouteSnapshot}`,
    ).toEqual(await readSynapseRouteSnapshot());
  });
});
