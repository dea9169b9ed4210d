// Sends a server-server request signed with a trust's own Synapse signing key (X-Matrix authorisation, Matrix
// spec: server-server API "Request Authentication"), so a test can speak to a homeserver exactly as a server would.
import { createPrivateKey, sign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { canonicalJson } from '@bleep/policy-module';
import { localLayout } from '../../local/src/localLayout.ts';
import { trustFiles } from '../../local/src/trustFiles.ts';

export type SigningKey = Readonly<{ keyId: string; seed: Buffer }>;

export async function signingKeyOf(trustName: string): Promise<SigningKey> {
  const text = await readFile(join(trustFiles(localLayout(), trustName).keysDir, 'signing.key'), 'utf8');
  const [algorithm, version, seed] = text.trim().split(' ');
  if (algorithm !== 'ed25519' || !version || !seed)
    throw new Error(`unexpected signing key format for ${trustName}`);
  return { keyId: `ed25519:${version}`, seed: Buffer.from(seed, 'base64') };
}

/** An X-Matrix Authorization header as Synapse writes one (synapse/http/matrixfederationclient.py). */
export function xMatrixHeader(
  key: SigningKey,
  origin: string,
  destination: string,
  method: string,
  uri: string,
  content: unknown,
): string {
  // PKCS#8 wrapper for a raw Ed25519 seed (RFC 8410).
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), key.seed]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  // A request without a body (GET) signs no content, as Synapse checks it.
  const signed = canonicalJson({
    method,
    uri,
    origin,
    destination,
    ...(content === undefined ? {} : { content }),
  });
  const signature = sign(null, Buffer.from(signed), privateKey).toString('base64').replace(/=+$/, '');
  return `X-Matrix origin="${origin}",destination="${destination}",key="${key.keyId}",sig="${signature}"`;
}

export type FederationResponse = Readonly<{ status: number; body: Record<string, unknown> }>;

export async function signedFederationRequest(
  input: Readonly<{
    originName: string;
    originServer: string;
    destinationServer: string;
    /** The destination's port on loopback. */
    port: number;
    method: string;
    uri: string;
    /** The JSON body; undefined for a request without one (GET). */
    content: unknown;
    /** 'chunked': the body goes in pieces with no content-length (transfer-encoding: chunked). */
    framing?: 'content-length' | 'chunked';
    /** More Authorization headers after the signed one: a request that carries several. */
    extraAuthorization?: readonly string[];
  }>,
): Promise<FederationResponse> {
  const key = await signingKeyOf(input.originName);
  const ca = await readFile(join(localLayout().caDir, 'ca.crt'));
  const body = input.content === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(input.content));
  const authorization = xMatrixHeader(
    key,
    input.originServer,
    input.destinationServer,
    input.method,
    input.uri,
    input.content,
  );
  // Raw header pairs, so Authorization can repeat; raw headers get no Host unless given one.
  const headers = [
    'host',
    input.destinationServer,
    ...[authorization, ...(input.extraAuthorization ?? [])].flatMap((value) => ['authorization', value]),
    'content-type',
    'application/json',
    ...(input.framing === 'chunked' || input.content === undefined
      ? []
      : ['content-length', String(body.length)]),
  ];
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: input.port,
        method: input.method,
        path: input.uri,
        ca,
        servername: input.destinationServer.split(':')[0],
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            parsed = { raw: text };
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    if (input.framing === 'chunked') {
      // Several pieces, so the receiver really reads a chunked stream.
      const piece = Math.max(1, Math.ceil(body.length / 4));
      for (let start = 0; start < body.length; start += piece) req.write(body.subarray(start, start + piece));
      req.end();
    } else {
      req.end(body);
    }
  });
}
