// Rule: a request's Content-Type is one plain media type, or absent. Twisted, under Synapse, reads the body of a
// POST whose type it takes for a form (application/x-www-form-urlencoded, multipart/form-data) into the query
// arguments, where Synapse looks for the access token, and it decodes RFC 2047 encoded words in the header
// ("=?utf-8?b?...?="), so a type the gateway reads as harmless could be a form to Synapse: a second token the
// gateway never checked. Bodies the gateway reads are sent on as application/json (synapseProxy.ts); a media upload
// keeps its type, which must therefore be plain, and never a form.
import { MatrixError } from '../matrixError.ts';

/** type/subtype, each an RFC 9110 token, then parameters of printable ASCII. */
const plainMediaType =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\s*(;[\x20-\x7e]*)?$/;
const formTypes = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

/** The refusal for a Content-Type Synapse could read differently from the gateway; undefined when it is plain. */
export function contentTypeProblem(contentTypes: readonly string[]): MatrixError | undefined {
  if (contentTypes.length > 1) return refusal('more than one Content-Type header');
  const [type] = contentTypes;
  if (type === undefined) return undefined;
  if (!plainMediaType.test(type) || type.includes('=?'))
    return refusal('a Content-Type that is not a plain media type');
  const essence = (type.split(';')[0] ?? '').trim().toLowerCase();
  if (formTypes.has(essence) || essence.startsWith('multipart/')) return refusal('a form-encoded body');
  return undefined;
}

function refusal(what: string): MatrixError {
  return new MatrixError(400, 'M_NOT_JSON', `Bleep does not accept ${what}`, 'plain-content-type');
}
