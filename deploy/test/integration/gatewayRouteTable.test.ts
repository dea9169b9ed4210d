// Needs the built Synapse root (not the running stack): checks the gateway's client route table against
// Synapse's own route registrations and routing decisions (deploy/synapse/routes/synapseRoutes.py).
// - every route in the table reaches, in Synapse, the servlet the table names (so no rule reasons about the wrong
//   endpoint);
// - every route Synapse registers on the client listener is either in the table, reaching the same servlet, or
//   refused by the gateway (so a Synapse upgrade that adds a door is refused until someone adds it on purpose);
// - random spellings of allowed paths that the gateway accepts reach the same servlet in Synapse.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientRoutes, matchClientRoute, type ClientRoute } from '@bleep/policy-module';
import { listSynapseRoutes, routeInSynapse, type SynapseRoute } from '../../local/src/synapseRoutes.ts';

/** Raw example values for the table's path parameters, encoded as matrix-js-sdk encodes them. */
const sampleParams: Readonly<Record<string, string>> = {
  roomId: '%21room%3Aexample.org',
  roomIdOrAlias: '%23ward12%3Aexample.org',
  roomAlias: '%23ward12%3Aexample.org',
  userId: '%40amelia%3Aexample.org',
  eventId: '%24event',
  eventType: 'm.room.name',
  stateKey: '',
  txnId: 'txn1',
  filterId: '1',
  kind: 'override',
  ruleId: '.m.rule.master',
  attribute: 'enabled',
  tag: 'm.favourite',
  receiptType: 'm.read',
  relationType: 'm.annotation',
  deviceId: 'WARD12PC',
  serverName: 'example.org',
  mediaId: 'abcdef',
  fileName: 'ecg.png',
};

function samplePath(route: ClientRoute): string {
  return `/${route.template.segments
    .map((segment) => {
      if ('literal' in segment) return segment.literal;
      const value = sampleParams[segment.param];
      if (value === undefined) throw new Error(`no sample value for {${segment.param}}`);
      return value;
    })
    .join('/')}`;
}

/**
 * The route tool builds Synapse with every experimental flag on (an over-approximation of its doors). With MSC4133
 * on, Synapse registers UnstableProfileFieldRestServlet, a subclass of ProfileFieldRestServlet with the same handlers,
 * in its place on the same patterns; Bleep's homeserver has the flag off.
 */
const sameServlet: Readonly<Record<string, string>> = {
  UnstableProfileFieldRestServlet: 'ProfileFieldRestServlet',
};
const servletOf = (name: string | null | undefined) => (name ? (sameServlet[name] ?? name) : name);

/** The mounts Synapse serves on the client listener of Bleep's template (the gateway's client port is in front). */
const clientListenerResources = new Set([
  'client',
  'media',
  'well-known',
  'synapse-client',
  'synapse-mas',
  'static',
  'admin',
  'health',
]);

describe('gateway route table against Synapse 1.160', () => {
  let synapseRoutes: SynapseRoute[] = [];

  beforeAll(async () => {
    synapseRoutes = await listSynapseRoutes();
  });

  it('sends every route in the table to the servlet the table names', async () => {
    const requests = clientRoutes.flatMap((route) =>
      route.methods.map((method) => ({
        method,
        path: samplePath(route),
        listener: 'client' as const,
        route,
      })),
    );
    const routings = await routeInSynapse(
      requests.map(({ method, path, listener }) => ({ method, path, listener })),
    );
    const wrong = requests.flatMap(({ method, path, route }, index) => {
      const routing = routings[index];
      return routing?.status === 200 && servletOf(routing.servlet) === route.synapseServlet
        ? []
        : [
            `${method} ${path}: table says ${route.synapseServlet}, Synapse says ${routing?.servlet ?? 'none'} (${routing?.status ?? '?'})`,
          ];
    });
    expect(wrong).toEqual([]);
  });

  it('refuses every Synapse route on the client listener that the table does not hold', async () => {
    const requests = synapseRoutes
      .filter((route) => route.reachable && clientListenerResources.has(route.resource))
      .flatMap((route) =>
        route.samples.flatMap((path) => route.methods.map((method) => ({ method, path, route }))),
      );
    expect(requests.length).toBeGreaterThan(200);
    const routings = await routeInSynapse(
      requests.map(({ method, path }) => ({ method, path, listener: 'client' as const })),
    );
    const doors = requests.flatMap(({ method, path }, index) => {
      const match = matchClientRoute(method, path);
      if (match.outcome !== 'route') return [];
      const servlet = servletOf(routings[index]?.servlet);
      return servlet === match.route.synapseServlet
        ? []
        : [`${method} ${path}: gateway ${match.route.name}, Synapse ${servlet ?? 'none'}`];
    });
    expect(doors).toEqual([]);
  });

  it('sends every spelling the gateway accepts to the servlet its route names', async () => {
    const pieces = fc.constantFrom(
      '',
      '/',
      '//',
      '%2F',
      '%2f',
      '..',
      '.',
      'v3',
      'r0',
      'api/v1',
      'unstable',
      '%76',
      'V3',
      '%00',
      '%zz',
    );
    const spellings = fc.sample(
      fc.record({
        route: fc.constantFrom(...clientRoutes),
        at: fc.nat(12),
        piece: pieces,
        method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'),
      }),
      { numRuns: 600, seed: 20261128 },
    );
    const requests = spellings.map(({ route, at, piece, method }) => {
      const path = samplePath(route);
      const cut = Math.min(path.length, 1 + ((at * 7) % Math.max(1, path.length - 1)));
      return { method, path: `${path.slice(0, cut)}${piece}${path.slice(cut)}` };
    });
    const routings = await routeInSynapse(
      requests.map((request) => ({ ...request, listener: 'client' as const })),
    );
    const mismatches = requests.flatMap(({ method, path }, index) => {
      const match = matchClientRoute(method, path);
      if (match.outcome !== 'route') return [];
      const servlet = servletOf(routings[index]?.servlet);
      return servlet === match.route.synapseServlet
        ? []
        : [`${method} ${path}: gateway ${match.route.name}, Synapse ${servlet ?? 'none'}`];
    });
    expect(mismatches).toEqual([]);
  });
});
