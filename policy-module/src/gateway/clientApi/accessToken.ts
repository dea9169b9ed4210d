// Finds the access token of a client request exactly where Synapse looks for it (synapse/api/auth/base.py
// get_access_token_from_request): one "Authorization: Bearer <token>" header, or else an access_token query
// parameter. The gateway must see the same token Synapse will use, or a revoked device's token could ride past the
// enrolment check beside an innocent one; anything Synapse would read differently is refused here.
import type { IncomingMessage } from 'node:http';

export type AccessTokenLookup =
  | Readonly<{ outcome: 'token'; token: string }>
  | Readonly<{ outcome: 'none' }>
  | Readonly<{ outcome: 'ambiguous'; reason: string }>;

/**
 * Twisted adds the fields of a form-encoded POST body to the query arguments Synapse reads the token from, where
 * the gateway would not see them. No Matrix client sends these content types.
 */
export function hasFormBody(request: IncomingMessage): boolean {
  const type = (request.headers['content-type'] ?? '').toLowerCase();
  return type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data');
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
    return { outcome: 'token', token: parts[1] };
  }
  if (fromQuery.length > 1) return { outcome: 'ambiguous', reason: 'more than one access_token parameter' };
  const [token] = fromQuery;
  return token ? { outcome: 'token', token } : { outcome: 'none' };
}
