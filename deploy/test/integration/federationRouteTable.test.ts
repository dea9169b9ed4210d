// Needs the built Synapse root, and the running stack for the last test: checks the gateway's federation route
// table against Synapse's own route registrations and routing decisions (deploy/synapse/routes/synapseRoutes.py).
// - every route in the table reaches, in Synapse, the servlet the table names;
// - every route Synapse serves on the federation listener (federation, key, media, health) is either in the table,
//   reaching the same servlet, or refused by the gateway's table; and the running gateway (trust-a's) refuses each
//   of those itself with default-deny, before any signature check (so a Synapse upgrade that adds a door is refused
//   until someone adds it on purpose);
// - random spellings of allowed paths that the gateway accepts reach the same servlet in Synapse.
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { federationRoutes, matchFederationRoute, type FederationRoute } from '@bleep/policy-module';
import { localLayout } from '../../local/src/localLayout.ts';
import { listSynapseRoutes, routeInSynapse, type SynapseRoute } from '../../local/src/synapseRoutes.ts';
import { trustNamed } from './stackInfo.ts';

/** Raw example values for the table's path parameters, encoded as Synapse's federation client encodes them. */
const sampleParams: Readonly<Record<string, string>> = {
  roomId: '%21room%3Aexample.org',
  userId: '%40amelia%3Aexample.org',
  eventId: '%24event',
  txnId: '1700000000000',
  mediaId: 'abcdef',
};

function samplePath(route: FederationRoute): string {
  return `/${route.template.segments
    .map((segment) => {
      if ('literal' in segment) return segment.literal;
      const value = sampleParams[segment.param];
      if (value === undefined) throw new Error(`no sample value for {${segment.param}}`);
      return value;
    })
    .join('/')}`;
}

/** The mounts Synapse serves on the federation listener of Bleep's template (the gateway's TLS port is in front). */
const federationListenerResources = new Set(['federation', 'key', 'media', 'health']);

/** Every request Synapse would hand to a servlet on its federation listener, one per route sample and method. */
function federationListenerDoors(routes: readonly SynapseRoute[]) {
  return routes
    .filter((route) => route.reachable && federationListenerResources.has(route.resource))
    .flatMap((route) =>
      route.samples.flatMap((path) =>
        // HEAD is served as GET by Synapse; the gateway must refuse it too.
        [...route.methods, ...(route.methods.includes('GET') ? ['HEAD'] : [])].map((method) => ({
          method,
          path,
          route,
        })),
      ),
    );
}

type GatewayAnswer = Readonly<{ status: number; body: Record<string, unknown> }>;

async function unsigned(
  port: number,
  serverName: string,
  method: string,
  path: string,
): Promise<GatewayAnswer> {
  const ca = await readFile(join(localLayout().caDir, 'ca.crt'));
  return new Promise((resolve, reject) => {
    const sent = request(
      { host: '127.0.0.1', port, method, path, ca, servername: serverName.split(':')[0] },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(text) as Record<string, unknown>;
          } catch {
            body = { raw: text };
          }
          resolve({ status: response.statusCode ?? 0, body });
        });
      },
    );
    sent.on('error', reject);
    sent.end(method === 'GET' || method === 'HEAD' ? undefined : '{}');
  });
}

describe('federation route table against Synapse 1.160', () => {
  let synapseRoutes: SynapseRoute[] = [];

  beforeAll(async () => {
    synapseRoutes = await listSynapseRoutes();
  });

  it('sends every route in the table to the servlet the table names', async () => {
    const requests = federationRoutes.flatMap((route) =>
      route.methods.map((method) => ({ method, path: samplePath(route), route })),
    );
    const routings = await routeInSynapse(
      requests.map(({ method, path }) => ({ method, path, listener: 'federation' as const })),
    );
    const wrong = requests.flatMap(({ method, path, route }, index) => {
      const routing = routings[index];
      return routing?.status === 200 && routing.servlet === route.synapseServlet
        ? []
        : [
            `${method} ${path}: table says ${route.synapseServlet}, Synapse says ${routing?.servlet ?? 'none'} (${routing?.status ?? '?'})`,
          ];
    });
    expect(wrong).toEqual([]);
  });

  it('refuses every Synapse route on the federation listener that the table does not hold', async () => {
    const requests = federationListenerDoors(synapseRoutes);
    expect(requests.length).toBeGreaterThan(40);
    const routings = await routeInSynapse(
      requests.map(({ method, path }) => ({ method, path, listener: 'federation' as const })),
    );
    const doors = requests.flatMap(({ method, path }, index) => {
      const match = matchFederationRoute(method, path);
      if (match.outcome !== 'route') return [];
      const servlet = routings[index]?.servlet;
      return servlet === match.route.synapseServlet
        ? []
        : [`${method} ${path}: gateway ${match.route.name}, Synapse ${servlet ?? 'none'}`];
    });
    expect(doors).toEqual([]);
    // Each table servlet is one of Synapse's federation-listener servlets (none is named by mistake).
    const servlets = new Set(requests.map(({ route }) => route.servlet));
    expect(federationRoutes.filter((route) => !servlets.has(route.synapseServlet))).toEqual([]);
  });

  it('sends every spelling the gateway accepts to the servlet its route names', async () => {
    const pieces = fc.constantFrom(
      '',
      '/',
      '//',
      '%2F',
      '..',
      '.',
      'v1',
      'v2',
      'unstable',
      '%76',
      'V1',
      '%00',
      '%zz',
    );
    const spellings = fc.sample(
      fc.record({
        route: fc.constantFrom(...federationRoutes),
        at: fc.nat(12),
        piece: pieces,
        method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'OPTIONS'),
      }),
      { numRuns: 400, seed: 20261128 },
    );
    const requests = spellings.map(({ route, at, piece, method }) => {
      const path = samplePath(route);
      const cut = Math.min(path.length, 1 + ((at * 7) % Math.max(1, path.length - 1)));
      return { method, path: `${path.slice(0, cut)}${piece}${path.slice(cut)}` };
    });
    const routings = await routeInSynapse(
      requests.map((entry) => ({ ...entry, listener: 'federation' as const })),
    );
    const mismatches = requests.flatMap(({ method, path }, index) => {
      const match = matchFederationRoute(method, path);
      if (match.outcome !== 'route') return [];
      const servlet = routings[index]?.servlet;
      return servlet === match.route.synapseServlet
        ? []
        : [`${method} ${path}: gateway ${match.route.name}, Synapse ${servlet ?? 'none'}`];
    });
    expect(mismatches).toEqual([]);
  });

  it("is what trust-a's running gateway enforces: every other door refused by default-deny", async () => {
    const trustA = trustNamed(inject('stack'), 'trust-a');
    const port = Number(new URL(trustA.federationUrl).port);
    const outside = federationListenerDoors(synapseRoutes).filter(
      ({ method, path }) => matchFederationRoute(method, path).outcome !== 'route',
    );
    const notRefused: string[] = [];
    for (const { method, path } of outside) {
      const answer = await unsigned(port, trustA.serverName, method, path);
      // A HEAD answer has no body: its status says it all.
      const refused =
        (answer.status === 404 || answer.status === 405) &&
        (method === 'HEAD' || answer.body['uk.nhs.bleep.rule'] === 'default-deny');
      if (!refused) notRefused.push(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    expect(notRefused).toEqual([]);
    // Control: the table's own routes get past default deny (the open ones answered, the others asked to sign).
    for (const route of federationRoutes) {
      const answer = await unsigned(port, trustA.serverName, route.methods[0] ?? 'GET', samplePath(route));
      expect(answer.body['uk.nhs.bleep.rule'], route.name).not.toBe('default-deny');
      expect(answer.status, route.name).toBe(route.access === 'open' ? 200 : 401);
    }
  });
});
