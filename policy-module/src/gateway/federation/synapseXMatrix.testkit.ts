// Test-only: a line-by-line port of how Synapse 1.160 reads the origin of a federation request
// (synapse/federation/transport/server/_base.py: Authenticator.authenticate_request and _parse_auth_header, with
// synapse/util/stringutils.py parse_and_validate_server_name), so property tests can compare the gateway's
// reading with Synapse's. deploy/test/integration/xMatrixParsing.test.ts checks this port against the real Python.
import { isIPv6 } from 'node:net';

export type SynapseOrigin = Readonly<{ origin: string | null }> | Readonly<{ error: string }>;

class ParseError extends Error {}

/** Python's int() on a port: optional whitespace and sign, ASCII digits with single underscores between them. */
function pythonInt(text: string): number {
  const match = /^[ \t\n\r\f\v]*([+-]?)([0-9](?:_?[0-9])*)[ \t\n\r\f\v]*$/.exec(text);
  if (!match?.[2]) throw new ParseError(`invalid literal for int(): ${text}`);
  return Number(`${match[1]}${match[2].replaceAll('_', '')}`);
}

function parseAndValidateServerName(name: string): void {
  let host = name;
  if (!(name !== '' && name.endsWith(']'))) {
    // domain_port = server_name.rsplit(":", 1)
    const colon = name.lastIndexOf(':');
    if (colon >= 0) {
      host = name.slice(0, colon);
      const port = name.slice(colon + 1);
      if (port !== '') pythonInt(port);
    }
  }
  if (host !== '' && host.startsWith('[')) {
    if (!host.endsWith(']')) throw new ParseError('Mismatched [...]');
    const address = host.slice(1, -1);
    if (!address || !isIPv6(address)) throw new ParseError('not a valid IPv6 address');
  } else if (!/^[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*$/.test(host)) {
    throw new ParseError('invalid format');
  }
}

function stripQuotes(value: string): string {
  // Python's "." matches anything but "\n".
  return value.startsWith('"') ? value.slice(1, -1).replace(/\\([^\n])/g, '$1') : value;
}

function parseAuthHeader(header: string): string {
  // re.split(r"^X-Matrix +", header_str, maxsplit=1)[1]: an IndexError when the prefix is not there.
  const prefix = /^X-Matrix +/.exec(header);
  if (!prefix) throw new ParseError('no X-Matrix prefix');
  const params = header.slice(prefix[0].length).split(/[ \t]*,[ \t]*/);
  const dict = new Map<string, string>();
  for (const param of params) {
    // k, v = param.split("=", maxsplit=1): a ValueError without "=".
    const equals = param.indexOf('=');
    if (equals < 0) throw new ParseError('parameter without =');
    dict.set(param.slice(0, equals).toLowerCase(), param.slice(equals + 1));
  }
  const origin = dict.get('origin');
  if (origin === undefined) throw new ParseError('KeyError: origin');
  const stripped = stripQuotes(origin);
  parseAndValidateServerName(stripped);
  if (!dict.has('key') || !dict.has('sig')) throw new ParseError('KeyError: key or sig');
  return stripped;
}

/** The origin Synapse authenticates a request's signatures for (before checking them), or why it refuses. */
export function synapseOriginOf(authorization: readonly string[]): SynapseOrigin {
  let origin: string | null = null;
  try {
    for (const header of authorization) {
      if (header.startsWith('X-Matrix')) origin = parseAuthHeader(header);
    }
  } catch (error) {
    return { error: (error as Error).message };
  }
  return origin === null ? { error: 'Missing Authorization headers' } : { origin };
}
