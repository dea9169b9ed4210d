// Who Synapse is told the client is. Synapse (x_forwarded: true) believes the FIRST X-Forwarded-For entry, so a
// header a client wrote itself would let it pose as any address: past Synapse's per-address login rate limit and
// into the client addresses trust IT reviews. The gateway therefore drops every client-supplied forwarding header
// and sends its own, taking a forwarded address only from a load balancer the trust listed as its own.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import proxyAddr from 'proxy-addr';

/** Headers by which a client or proxy may claim an origin; only the gateway's own reach Synapse. */
export const forwardingHeaderNames: ReadonlySet<string> = new Set([
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-real-ip',
]);

export type ForwardingHeaders = (request: IncomingMessage) => Readonly<{
  'x-forwarded-for': string;
  'x-forwarded-proto': string;
}>;

export class TrustedProxiesError extends Error {
  override readonly name = 'TrustedProxiesError';
}

/**
 * `trustedProxies`: addresses or CIDR ranges of the trust's own load balancers in front of the gateway (none by
 * default: the gateway is the edge and believes only the connection's own address).
 */
export function createForwardingHeaders(trustedProxies: readonly string[]): ForwardingHeaders {
  let trusted: (address: string, hop: number) => boolean;
  try {
    trusted = proxyAddr.compile([...trustedProxies]);
  } catch (error) {
    throw new TrustedProxiesError(`invalid trusted proxy list: ${(error as Error).message}`);
  }
  return (request) => {
    // proxy-addr walks X-Forwarded-For from the connection backwards while each hop is trusted.
    const client = proxyAddr(request, trusted);
    const peer = request.socket.remoteAddress ?? '';
    const claimedProto = request.headers['x-forwarded-proto'];
    const proto = (request.socket as Partial<TLSSocket>).encrypted
      ? 'https'
      : peer !== '' && trusted(peer, 0) && (claimedProto === 'https' || claimedProto === 'http')
        ? claimedProto
        : 'http';
    return { 'x-forwarded-for': client, 'x-forwarded-proto': proto };
  };
}
