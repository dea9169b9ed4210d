// The test page's HTTP server on loopback: the built page's files and nothing else. The page talks to the trust's
// gateway directly, from its own origin, as the desktop's renderer will (the gateway answers CORS: policy-module
// gateway/corsHeaders.ts). It must outlive the browser: IndexedDB belongs to the page's origin, so a relaunch must find the page at the same
// port.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  // WebAssembly.instantiateStreaming refuses any other type.
  '.wasm': 'application/wasm',
};

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

/** Serves `directory` (the built page) on 127.0.0.1 at a free port. */
export async function startDesktopPageServer(directory: string): Promise<DesktopPageServer> {
  const server = createServer((request, response) => {
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
