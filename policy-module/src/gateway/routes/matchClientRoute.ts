// Finds the route a client request is for, or says why there is none: the client gateway's default deny. A path
// is looked up exactly as written (see routeTemplate.ts); a known path with a method it does not take is a 405.
import { clientRoutes, type ClientRoute } from './clientRoutes.ts';
import { matchTemplate, rawPathSegments, type PathParams } from './routeTemplate.ts';

export type ClientRouteMatch =
  | Readonly<{ outcome: 'route'; route: ClientRoute; params: PathParams }>
  /** OPTIONS on a path the table holds: a CORS preflight, answered by Synapse without running any servlet. */
  | Readonly<{ outcome: 'preflight' }>
  | Readonly<{ outcome: 'unrecognised'; status: 404 | 405 }>
  | Readonly<{ outcome: 'bad-param'; param: string; reason: string }>;

export function matchClientRoute(
  method: string,
  rawUrl: string,
  routes: readonly ClientRoute[] = clientRoutes,
): ClientRouteMatch {
  const segments = rawPathSegments(rawUrl);
  if (!segments) return { outcome: 'unrecognised', status: 404 };
  let pathKnown = false;
  for (const route of routes) {
    const matched = matchTemplate(route.template, segments);
    if (matched.outcome === 'no-match') continue;
    if (matched.outcome === 'bad-param') return matched;
    pathKnown = true;
    if (method === 'OPTIONS') return { outcome: 'preflight' };
    if ((route.methods as readonly string[]).includes(method)) {
      return { outcome: 'route', route, params: matched.params };
    }
  }
  return { outcome: 'unrecognised', status: pathKnown ? 405 : 404 };
}
