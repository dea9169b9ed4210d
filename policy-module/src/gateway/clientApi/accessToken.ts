// Finds the access token of a client request exactly where Synapse looks for it (synapse/api/auth/base.py
// get_access_token_from_request): one "Authorization: Bearer <token>" header, or else an access_token query
// parameter. The gateway must see the same token Synapse will use, or a revoked device's token could ride past the
// enrolment check beside an innocent one; anything Synapse would read differently is refused here.
import type { IncomingMessage } from 'node:http';

export type AccessTokenLookup =
  | Readonly<{ outcome: 'token'; token: string }>
  | Readonly<{ outcome: 'none' }>
  | Readonly<{ outcome: 'ambiguous'; reason: string }>;

/** Synapse decodes a token as ASCII, and an HTTP header cannot carry control characters: anything else is bad input. */
const tokenPattern = /^[\x21-\x7e]+$/;

function tokenOrAmbiguous(token: string): AccessTokenLookup {
  return tokenPattern.test(token)
    ? { outcome: 'token', token }
    : { outcome: 'ambiguous', reason: 'an access token with characters no token has' };
}

export function findAccessToken(request: IncomingMessage): AccessTokenLookup {
  const headers = request.headersDistinct.authorization ?? [];
  const url = request.url ?? '/';
  const queryStart = url.indexOf('?');
  const fromQuery =
    queryStart === -1 ? [] : new URLSearchParams(url.slice(queryStart + 1)).getAll('access_token');
  if (headers.length > 0) {
    if (fromQuery.length > 0)
      return { outcome: 'ambiguous', reason: 'a token in both a header and the query' };
    if (headers.length > 1) return { outcome: 'ambiguous', reason: 'more than one Authorization header' };
    const parts = (headers[0] ?? '').split(' ');
    if (parts.length !== 2 || parts[0] !== 'Bearer' || !parts[1]) {
      return { outcome: 'ambiguous', reason: 'an Authorization header that is not "Bearer <token>"' };
    }
    return tokenOrAmbiguous(parts[1]);
  }
  if (fromQuery.length > 1) return { outcome: 'ambiguous', reason: 'more than one access_token parameter' };
  const [token] = fromQuery;
  return token === undefined ? { outcome: 'none' } : tokenOrAmbiguous(token);
}
