// Real HTTP requests over loopback to a server that answers with the forwarding headers the gateway would send.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createForwardingHeaders, TrustedProxiesError } from './forwardedFor.ts';

describe('forwarding headers sent to Synapse', () => {
  const servers: Server[] = [];

  async function serve(trustedProxies: readonly string[]): Promise<string> {
    const forwarding = createForwardingHeaders(trustedProxies);
    const server = createServer((request, response) => {
      response.end(JSON.stringify(forwarding(request)));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function seenBy(url: string, headers: Record<string, string> = {}): Promise<unknown> {
    return (await fetch(url, { headers })).json();
  }

  let edge = '';
  let behindBalancer = '';
  beforeAll(async () => {
    edge = await serve([]);
    behindBalancer = await serve(['127.0.0.1/8', '10.0.0.0/8']);
  });

  afterAll(() => {
    for (const server of servers) server.close();
  });

  it("at the edge, names the connection's address and ignores what the client claims", async () => {
    await expect(seenBy(edge)).resolves.toEqual({
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
    });
    await expect(
      seenBy(edge, { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' }),
    ).resolves.toEqual({ 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http' });
  });

  it("behind the trust's own load balancers, names the first address they did not add", async () => {
    // The client sent 198.51.100.1 itself; the balancer at 10.1.2.3 saw 203.0.113.7; the last hop is loopback.
    await expect(
      seenBy(behindBalancer, {
        'x-forwarded-for': '198.51.100.1, 203.0.113.7, 10.1.2.3',
        'x-forwarded-proto': 'https',
      }),
    ).resolves.toEqual({ 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' });
    await expect(seenBy(behindBalancer)).resolves.toEqual({
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
    });
    // A protocol that is neither http nor https is not passed on.
    await expect(seenBy(behindBalancer, { 'x-forwarded-proto': 'gopher' })).resolves.toMatchObject({
      'x-forwarded-proto': 'http',
    });
  });

  it('believes a trusted load balancer that says the client came over plain http', async () => {
    await expect(seenBy(behindBalancer, { 'x-forwarded-proto': 'http' })).resolves.toMatchObject({
      'x-forwarded-proto': 'http',
    });
  });

  it('says https for a connection the gateway itself took over TLS, whatever was claimed', () => {
    const overTls = {
      headers: { 'x-forwarded-proto': 'http' },
      socket: { encrypted: true, remoteAddress: '203.0.113.7' },
    } as unknown as IncomingMessage;
    expect(createForwardingHeaders([])(overTls)).toEqual({
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-proto': 'https',
    });
  });

  it('refuses a trusted proxy list it cannot read, saying so', () => {
    expect(() => createForwardingHeaders(['not-an-address'])).toThrow(TrustedProxiesError);
    expect(() => createForwardingHeaders(['not-an-address'])).toThrow(/^invalid trusted proxy list: /);
    expect(new TrustedProxiesError('x').name).toBe('TrustedProxiesError');
  });
});
