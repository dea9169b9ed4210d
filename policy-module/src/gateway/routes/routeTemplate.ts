// Path templates for the gateway's route tables, and matching a raw request path against them the way Synapse
// does: literal segments compared byte for byte on the raw (still percent-encoded) path, as Synapse's route regexes
// are, and parameters percent-decoded afterwards, as Synapse decodes its captured groups. A path the gateway could
// read differently from Synapse (an empty segment, a parameter that does not decode) matches nothing.

export type TemplateSegment =
  | Readonly<{ literal: string }>
  /** A parameter segment; `mayBeEmpty` only for state keys (the empty state key is the common one). */
  | Readonly<{ param: string; mayBeEmpty: boolean }>;

export type RouteTemplate = Readonly<{ source: string; segments: readonly TemplateSegment[] }>;

export class RouteTemplateError extends Error {
  override readonly name = 'RouteTemplateError';
}

/** Parses "/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey?}" ("?": the value may be empty). */
export function parseRouteTemplate(source: string): RouteTemplate {
  if (!source.startsWith('/')) throw new RouteTemplateError(`route template must start with "/": ${source}`);
  const segments = source
    .slice(1)
    .split('/')
    .map((part, index, parts): TemplateSegment => {
      const param = /^\{([A-Za-z]+)(\??)\}$/.exec(part);
      if (param?.[1]) return { param: param[1], mayBeEmpty: param[2] === '?' };
      // An empty literal only as the last segment: a trailing slash some endpoints are called with (/pushrules/).
      const misplacedEmpty = part === '' && index !== parts.length - 1;
      if (misplacedEmpty || /[{}%?]/.test(part)) {
        throw new RouteTemplateError(`bad segment "${part}" in route template ${source}`);
      }
      return { literal: part };
    });
  return { source, segments };
}

export type PathParams = Readonly<Record<string, string>>;

/** Raw path segments of a request target ("/a/b?q" gives ["a", "b"]); undefined unless it is origin-form. */
export function rawPathSegments(rawUrl: string): string[] | undefined {
  // Absolute-form ("http://host/path") and asterisk-form targets are not what a Matrix client sends.
  if (!rawUrl.startsWith('/')) return undefined;
  const end = rawUrl.indexOf('?');
  const path = end === -1 ? rawUrl : rawUrl.slice(0, end);
  // Twisted refuses spaces and non-ASCII in a path, but lets some raw bytes through that Synapse then fails on.
  if (!/^[\x21-\x7e]*$/.test(path)) return undefined;
  return path.slice(1).split('/');
}

export type TemplateMatch =
  | Readonly<{ outcome: 'match'; params: PathParams }>
  | Readonly<{ outcome: 'no-match' }>
  /** The path has this template's shape but a parameter cannot be read as Synapse would read it. */
  | Readonly<{ outcome: 'bad-param'; param: string; reason: string }>;

const noMatch: TemplateMatch = { outcome: 'no-match' };

/** Why a decoded parameter could be read differently by Synapse or PostgreSQL; undefined when it is clean. */
export function unreadableText(value: string): string | undefined {
  if (value.includes('\0')) return 'contains a NUL character';
  if (!value.isWellFormed()) return 'contains a lone surrogate';
  return undefined;
}

export function matchTemplate(template: RouteTemplate, segments: readonly string[]): TemplateMatch {
  if (segments.length !== template.segments.length) return noMatch;
  const params: Record<string, string> = {};
  for (const [index, segment] of template.segments.entries()) {
    const raw = segments[index] ?? '';
    if ('literal' in segment) {
      if (raw !== segment.literal) return noMatch;
      continue;
    }
    if (raw === '' && !segment.mayBeEmpty) return noMatch;
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      return { outcome: 'bad-param', param: segment.param, reason: 'is not valid percent-encoding' };
    }
    const unreadable = unreadableText(value);
    if (unreadable) return { outcome: 'bad-param', param: segment.param, reason: unreadable };
    params[segment.param] = value;
  }
  return { outcome: 'match', params };
}

export type RouteLookup<Route> =
  | Readonly<{ outcome: 'route'; route: Route; params: PathParams }>
  | Readonly<{ outcome: 'unrecognised'; status: 404 | 405 }>
  | Readonly<{ outcome: 'bad-param'; param: string; reason: string }>;

/** The first route of a table whose template matches the path and which takes the method; a known path with a
 * method none of its routes takes is a 405. */
export function findRoute<Route extends Readonly<{ template: RouteTemplate; methods: readonly string[] }>>(
  routes: readonly Route[],
  method: string,
  rawUrl: string,
): RouteLookup<Route> {
  const segments = rawPathSegments(rawUrl);
  if (!segments) return { outcome: 'unrecognised', status: 404 };
  let pathKnown = false;
  for (const route of routes) {
    const matched = matchTemplate(route.template, segments);
    if (matched.outcome === 'no-match') continue;
    if (matched.outcome === 'bad-param') return matched;
    pathKnown = true;
    if (route.methods.includes(method)) return { outcome: 'route', route, params: matched.params };
  }
  return { outcome: 'unrecognised', status: pathKnown ? 405 : 404 };
}
