// The test page's HTTP server on loopback: the built page's files, and every Matrix and Bleep path passed through to
// the trust's gateway unchanged, so the page talks to the gateway from its own origin. That pass-through stands in for
// the desktop shell's network path, because the gateway's own answers (enrolment, sign-in, /_bleep/*, its refusals)
// carry no CORS headers yet: a page on another origin cannot enrol (see chromiumPersistence.test.ts, which checks it).
// It must outlive the browser: IndexedDB belongs to the page's origin, so a relaunch must find the page at the same
// port.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, request as forward, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  // WebAssembly.instantiateStreaming refuses any other type.
  '.wasm': 'application/wasm',
};

const gatewayPaths = ['/_matrix/', '/_bleep/', '/.well-known/'];

export type DesktopPageServer = Readonly<{ url: string; close: () => Promise<void> }>;

async function servePageFile(
  directory: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://page').pathname;
  const file = normalize(join(directory, path === '/' ? 'index.html' : path));
  const type = contentTypes[extname(file)];
  const found =
    file.startsWith(directory) && type !== undefined && (await stat(file).catch(() => null))?.isFile();
  if (!found) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
  createReadStream(file).pipe(response);
}

function passToGateway(gatewayUrl: URL, request: IncomingMessage, response: ServerResponse): void {
  const outgoing = forward(
    {
      host: gatewayUrl.hostname,
      port: gatewayUrl.port,
      method: request.method,
      path: request.url,
      headers: { ...request.headers, host: gatewayUrl.host },
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  outgoing.on('error', () => {
    if (!response.headersSent) response.writeHead(502);
    response.end();
  });
  request.pipe(outgoing);
}

/** Serves `directory` (the built page) and passes gateway paths to `gatewayUrl`, on 127.0.0.1 at a free port. */
export async function startDesktopPageServer(
  directory: string,
  gatewayUrl: string,
): Promise<DesktopPageServer> {
  const gateway = new URL(gatewayUrl);
  const server = createServer((request, response) => {
    if (gatewayPaths.some((prefix) => (request.url ?? '').startsWith(prefix))) {
      passToGateway(gateway, request, response);
      return;
    }
    servePageFile(directory, request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
