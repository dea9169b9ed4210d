// Every way a request can carry an access token to Synapse, for the session attack tests. Synapse reads the token
// from one "Authorization: Bearer" header or else from the access_token argument, and Twisted's arguments are the
// query string's, replaced by the body's fields when a POST body is form-encoded (by the Content-Type as Python's
// email parser reads it). A gateway that checks a different token from the one Synapse then uses lets a revoked
// desktop's token ride in beside an enrolled one.
import fc from 'fast-check';
import type { RawRequest } from './rawRequest.ts';

export const tokenPlacements = [
  'header',
  'query',
  'query-name-encoded',
  'header-and-query',
  'enrolled-header-revoked-query',
  'revoked-header-enrolled-query',
  'two-headers',
  'enrolled-then-revoked-headers',
  'revoked-then-enrolled-headers',
  'query-twice-enrolled-first',
  'query-twice-revoked-first',
  'lowercase-bearer',
  'two-spaces',
  'form-body',
  'form-body-enrolled-query',
  'form-body-enrolled-header',
] as const;

export type TokenPlacement = (typeof tokenPlacements)[number];

/** Content-Type spellings that Twisted reads as a form, and that say so in plain letters. */
export const plainFormTypes = [
  'application/x-www-form-urlencoded',
  'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded ;',
  'multipart/form-data; boundary=xyz',
];

export type TokenRequest = Readonly<{
  method: string;
  /** Path and query, without any token. */
  target: string;
  /** The JSON body; "&access_token=<token>&" is put into its string `smuggle` so that the body is a form too. */
  body: (smuggle: string) => unknown;
}>;

function withQuery(target: string, ...pairs: readonly string[]): string {
  return pairs.length === 0 ? target : `${target}${target.includes('?') ? '&' : '?'}${pairs.join('&')}`;
}

/** The request with the revoked desktop's token placed as `placement` says (the enrolled one alongside, if it says). */
export function placeToken(
  request: TokenRequest,
  placement: TokenPlacement,
  tokens: Readonly<{ revoked: string; enrolled: string }>,
  formType = plainFormTypes[0] ?? '',
): RawRequest {
  const { revoked, enrolled } = tokens;
  const headers: [string, string][] = [];
  let queryPairs: string[] = [];
  let contentType = 'application/json';
  let smuggle = '';
  const auth = (token: string) => headers.push(['authorization', `Bearer ${token}`]);
  switch (placement) {
    case 'header':
      auth(revoked);
      break;
    case 'query':
      queryPairs = [`access_token=${revoked}`];
      break;
    case 'query-name-encoded':
      queryPairs = [`access%5Ftoken=${revoked}`];
      break;
    case 'header-and-query':
      auth(revoked);
      queryPairs = [`access_token=${revoked}`];
      break;
    case 'enrolled-header-revoked-query':
      auth(enrolled);
      queryPairs = [`access_token=${revoked}`];
      break;
    case 'revoked-header-enrolled-query':
      auth(revoked);
      queryPairs = [`access_token=${enrolled}`];
      break;
    case 'two-headers':
      auth(revoked);
      auth(revoked);
      break;
    case 'enrolled-then-revoked-headers':
      auth(enrolled);
      auth(revoked);
      break;
    case 'revoked-then-enrolled-headers':
      auth(revoked);
      auth(enrolled);
      break;
    case 'query-twice-enrolled-first':
      queryPairs = [`access_token=${enrolled}`, `access_token=${revoked}`];
      break;
    case 'query-twice-revoked-first':
      queryPairs = [`access_token=${revoked}`, `access_token=${enrolled}`];
      break;
    case 'lowercase-bearer':
      headers.push(['authorization', `bearer ${revoked}`]);
      break;
    case 'two-spaces':
      headers.push(['authorization', `Bearer  ${revoked}`]);
      break;
    case 'form-body':
      contentType = formType;
      smuggle = `&access_token=${revoked}&`;
      break;
    case 'form-body-enrolled-query':
      contentType = formType;
      smuggle = `&access_token=${revoked}&`;
      queryPairs = [`access_token=${enrolled}`];
      break;
    case 'form-body-enrolled-header':
      contentType = formType;
      smuggle = `&access_token=${revoked}&`;
      auth(enrolled);
      break;
  }
  headers.push(['content-type', contentType]);
  return {
    method: request.method,
    target: withQuery(request.target, ...queryPairs),
    headers,
    body: JSON.stringify(request.body(smuggle)),
  };
}

/** "application/x-www-form-urlencoded" as RFC 2047 encoded words, which Python's email parser decodes. */
export const encodedWordFormType: fc.Arbitrary<string> = fc
  .record({
    charset: fc.constantFrom('utf-8', 'UTF-8', 'us-ascii', 'iso-8859-1'),
    base64: fc.boolean(),
    lowerTag: fc.boolean(),
    splitAt: fc.integer({ min: 0, max: 32 }),
    encodeEvery: fc.integer({ min: 1, max: 5 }),
  })
  .map(({ charset, base64, lowerTag, splitAt, encodeEvery }) => {
    const type = 'application/x-www-form-urlencoded';
    const tag = base64 ? 'B' : 'Q';
    const word = (text: string) => {
      const encoded = base64
        ? Buffer.from(text).toString('base64')
        : Array.from(text)
            .map((character, index) =>
              index % encodeEvery === 0 || character === '/'
                ? `=${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
                : character,
            )
            .join('');
      return `=?${charset}?${lowerTag ? tag.toLowerCase() : tag}?${encoded}?=`;
    };
    // Adjacent encoded words separated by a space are joined by the decoder (RFC 2047 section 6.2).
    return splitAt === 0 || splitAt >= type.length
      ? word(type)
      : `${word(type.slice(0, splitAt))} ${word(type.slice(splitAt))}`;
  });
