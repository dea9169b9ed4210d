// Finds the route a federation request is for, or says why there is none: the federation gateway's default deny.
// A path is looked up exactly as written (see routeTemplate.ts); a known path with a method it does not take is a
// 405. There is no CORS preflight here: servers do not send one.
import { federationRoutes, type FederationRoute } from './federationRoutes.ts';
import { findRoute, type RouteLookup } from './routeTemplate.ts';

export type FederationRouteMatch = RouteLookup<FederationRoute>;

export function matchFederationRoute(
  method: string,
  rawUrl: string,
  routes: readonly FederationRoute[] = federationRoutes,
): FederationRouteMatch {
  return findRoute(routes, method, rawUrl);
}
