// Finds the route a federation request is for, or says why there is none: the federation gateway's default deny.
// A path is looked up exactly as written (see routeTemplate.ts); a known path with a method it does not take is a
// 405. There is no CORS preflight here: servers do not send one.
import { federationRoutes, type FederationRoute } from './federationRoutes.ts';
import { matchTemplate, rawPathSegments, type PathParams } from './routeTemplate.ts';

export type FederationRouteMatch =
  | Readonly<{ outcome: 'route'; route: FederationRoute; params: PathParams }>
  | Readonly<{ outcome: 'unrecognised'; status: 404 | 405 }>
  | Readonly<{ outcome: 'bad-param'; param: string; reason: string }>;

export function matchFederationRoute(
  method: string,
  rawUrl: string,
  routes: readonly FederationRoute[] = federationRoutes,
): FederationRouteMatch {
  const segments = rawPathSegments(rawUrl);
  if (!segments) return { outcome: 'unrecognised', status: 404 };
  let pathKnown = false;
  for (const route of routes) {
    const matched = matchTemplate(route.template, segments);
    if (matched.outcome === 'no-match') continue;
    if (matched.outcome === 'bad-param') return matched;
    pathKnown = true;
    if ((route.methods as readonly string[]).includes(method)) {
      return { outcome: 'route', route, params: matched.params };
    }
  }
  return { outcome: 'unrecognised', status: pathKnown ? 405 : 404 };
}
