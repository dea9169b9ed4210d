// Serves the built renderer on loopback: its files, and `bleep-config.json` (the trusts a person may sign in to, by
// name and gateway address), nothing else. Every answer carries the Content-Security-Policy the desktop shell uses
// too: scripts only from the page's origin (and wasm compilation for rust crypto), connections only to the gateways
// named in the config. The page must always be served at the same address: IndexedDB (the archive, the keys) belongs
// to the page's origin.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  // WebAssembly.instantiateStreaming refuses any other type.
  '.wasm': 'application/wasm',
};

export type KnownTrustConfig = Readonly<{ name: string; displayName: string; serverUrl: string }>;

export type RendererServerOptions = Readonly<{
  directory: string;
  trusts: readonly KnownTrustConfig[];
  host?: string;
  /** 0 for any free port. */
  port?: number;
}>;

export type RendererServer = Readonly<{ url: string; close: () => Promise<void> }>;

/** The page's CSP: its own scripts and wasm, connections to these gateways only, pictures it made itself. */
export function rendererContentSecurityPolicy(gateways: readonly string[]): string {
  const origins = [...new Set(gateways.map((url) => new URL(url).origin))];
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    `connect-src 'self' ${origins.join(' ')}`.trim(),
    "font-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const securityHeaders = (csp: string) => ({
  'content-security-policy': csp,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
});

async function answer(
  options: RendererServerOptions,
  csp: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const path = decodeURIComponent(new URL(request.url ?? '/', 'http://page').pathname);
  if (path === '/bleep-config.json') {
    response.writeHead(200, { 'content-type': contentTypes['.json'], ...securityHeaders(csp) });
    response.end(JSON.stringify({ trusts: options.trusts }));
    return;
  }
  const root = normalize(options.directory + sep);
  const file = normalize(join(root, path === '/' ? 'index.html' : path));
  const type = contentTypes[extname(file)];
  const found = file.startsWith(root) && type !== undefined && (await stat(file).catch(() => null))?.isFile();
  if (!found) {
    response.writeHead(404, securityHeaders(csp)).end();
    return;
  }
  response.writeHead(200, { 'content-type': type, ...securityHeaders(csp) });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
}

export async function startRendererServer(options: RendererServerOptions): Promise<RendererServer> {
  const csp = rendererContentSecurityPolicy(options.trusts.map((trust) => trust.serverUrl));
  const server = createServer((request, response) => {
    answer(options, csp, request, response).catch(() => {
      if (!response.headersSent) response.writeHead(400);
      response.end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
