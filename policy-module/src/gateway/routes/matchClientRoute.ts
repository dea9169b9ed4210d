// Finds the route a client request is for, or says why there is none: the client gateway's default deny. A path
// is looked up exactly as written (see routeTemplate.ts); a known path with a method it does not take is a 405.
import { clientRoutes, type ClientRoute } from './clientRoutes.ts';
import { findRoute, type RouteLookup } from './routeTemplate.ts';

export type ClientRouteMatch =
  | RouteLookup<ClientRoute>
  /** OPTIONS on a path the table holds: a CORS preflight, answered by Synapse without running any servlet. */
  | Readonly<{ outcome: 'preflight' }>;

export function matchClientRoute(
  method: string,
  rawUrl: string,
  routes: readonly ClientRoute[] = clientRoutes,
): ClientRouteMatch {
  const found = findRoute(routes, method, rawUrl);
  // No route takes OPTIONS, so a path the table knows answers 405 to it: that is the preflight.
  if (method === 'OPTIONS' && found.outcome === 'unrecognised' && found.status === 405) {
    return { outcome: 'preflight' };
  }
  return found;
}
