// Reads which server a federation request claims to come from, exactly as Synapse will read it, or refuses to
// guess. Synapse (synapse/federation/transport/server/_base.py, authenticate_request and _parse_auth_header) takes
// the origin of the LAST X-Matrix Authorization header, splits parameters on every comma (even inside quotes) and
// keeps the LAST of duplicated parameters; other readers (this gateway once, the spec's grammar) take the first or
// honour quotes. A header two readers could read differently is how a stranger names a partner to the gateway and
// itself to Synapse, so any such header is refused: more than one Authorization header, a duplicated parameter, a
// quote or backslash outside a well-formed quoted value, anything but printable ASCII. What is left is parsed the
// way Synapse parses it. The gateway does not verify the signature: Synapse does, for this same origin.

export type XMatrixReading =
  | Readonly<{ outcome: 'origin'; origin: string }>
  /** Why the header was refused, in a sentence for the sending server's operator. */
  | Readonly<{ outcome: 'refused'; reason: string }>;

const refused = (reason: string): XMatrixReading => ({ outcome: 'refused', reason });

/** Synapse's separator: a comma with any spaces or tabs around it. */
const parameterSeparator = /[ \t]*,[ \t]*/;
/** A parameter name no reader could split or trim differently. */
const parameterName = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** A quoted value closed by its last character, with every inner quote and backslash escaped. */
const quotedValue = /^"((?:[^"\\]|\\.)*)"$/;
/** An unquoted value with nothing another reader would unescape, unquote or trim. */
const bareValue = /^[^"\\ \t]*$/;
/** A DNS name with an optional port: the server names a trust's policy can list (Synapse accepts more). */
const serverName = /^[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*(?::[0-9]{1,5})?$/;

/** The value as Synapse's strip_quotes leaves it; undefined when another reader could see a different one. */
function unambiguousValue(raw: string): string | undefined {
  if (raw.startsWith('"')) return quotedValue.exec(raw)?.[1]?.replace(/\\(.)/g, '$1');
  return bareValue.test(raw) ? raw : undefined;
}

/** The origin of one request, from all its Authorization headers (Node's headersDistinct.authorization). */
export function readXMatrixOrigin(authorization: readonly string[] | undefined): XMatrixReading {
  if (!authorization || authorization.length === 0) {
    return refused('Federation requests need an X-Matrix Authorization header');
  }
  if (authorization.length > 1) {
    return refused('Send exactly one Authorization header: servers disagree on which of several counts');
  }
  const header = authorization[0] ?? '';
  if (!/^[\x20-\x7e\t]*$/.test(header)) {
    return refused('The Authorization header must be printable ASCII');
  }
  // Synapse only reads a header starting "X-Matrix" (case-sensitive) followed by spaces.
  const scheme = /^X-Matrix +/.exec(header);
  if (!scheme) return refused('The Authorization header is not X-Matrix origin=...,key=...,sig=...');
  const params = new Map<string, string>();
  for (const part of header.slice(scheme[0].length).split(parameterSeparator)) {
    const equals = part.indexOf('=');
    const name = part.slice(0, equals).toLowerCase();
    if (equals < 0 || !parameterName.test(name)) {
      return refused(`The X-Matrix header has a malformed parameter: ${JSON.stringify(part)}`);
    }
    if (params.has(name)) return refused(`The X-Matrix header gives ${name} more than once`);
    const value = unambiguousValue(part.slice(equals + 1));
    if (value === undefined) {
      return refused(
        `The X-Matrix header's ${name} is not a well-formed value (quote commas? Synapse splits on them)`,
      );
    }
    params.set(name, value);
  }
  const origin = params.get('origin');
  if (origin === undefined || !params.has('key') || !params.has('sig')) {
    return refused('The X-Matrix header needs origin, key and sig');
  }
  if (!serverName.test(origin))
    return refused(`The X-Matrix origin is not a server name: ${JSON.stringify(origin)}`);
  return { outcome: 'origin', origin };
}
