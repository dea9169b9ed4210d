// Needs the real local stack: trust-a's policy gateway, which terminates federation TLS for its Synapse. Partners
// reach it over TLS 1.2 or later only, as Synapse's own outbound federation is held to (federation_client_minimum_
// tls_version in the homeserver template): a TLS 1.1 handshake is refused, a TLS 1.2 one from the same client is
// its control.
import { connect, type SecureVersion } from 'node:tls';
import { describe, expect, inject, it } from 'vitest';
import { trustNamed } from './stackInfo.ts';

const trustA = trustNamed(inject('stack'), 'trust-a');
const federation = new URL(trustA.federationUrl);

/** The protocol the gateway agreed to, or the error that ended the handshake. */
async function handshake(version: SecureVersion): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port: Number(federation.port),
      servername: federation.hostname,
      minVersion: version,
      maxVersion: version,
      // Our side would offer TLS 1.1 (its own defaults refuse it): the refusal must be the gateway's.
      ciphers: 'DEFAULT:@SECLEVEL=0',
      rejectUnauthorized: false,
    });
    socket.once('secureConnect', () => {
      resolve(socket.getProtocol() ?? 'unknown');
      socket.end();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code ?? error.message);
    });
  });
}

describe("the gateway's federation TLS", () => {
  it('refuses TLS 1.1 and agrees TLS 1.2', async () => {
    expect(await handshake('TLSv1.1')).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    expect(await handshake('TLSv1.2')).toBe('TLSv1.2');
  });
});
