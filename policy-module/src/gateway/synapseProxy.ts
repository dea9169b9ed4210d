// Forwards a request to Synapse and streams the answer back, over a keep-alive connection pool. Bodies stream in
// both directions (media is never buffered) unless a rule has already read and possibly rewritten the body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'undici';
import type { Logger } from 'pino';
import { createForwardingHeaders, forwardingHeaderNames, type ForwardingHeaders } from './forwardedFor.ts';
import { MatrixError, sendMatrixError } from './matrixError.ts';

// RFC 9110 section 7.6.1: connection-specific headers are not forwarded.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/**
 * Dropped from requests, beside the forwarding claims: Bleep's own headers are for the gateway. The desktop's
 * enrolment credential is a secret the gateway checks; Synapse has no use for it and must never hold or log it.
 */
const gatewayOnly: ReadonlySet<string> = new Set([...forwardingHeaderNames, 'x-bleep-device-credential']);

/** Dropped from Synapse's answers: which software and version runs behind the gateway is nobody's business. */
const answerOnly = new Set(['server', 'x-powered-by']);

type HeaderMap = Record<string, string | string[] | undefined>;

function endToEndHeaders(
  headers: HeaderMap,
  alsoDropped: ReadonlySet<string> = new Set(),
): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value !== undefined && !hopByHop.has(lower) && !alsoDropped.has(lower)) kept[name] = value;
  }
  return kept;
}

export type BufferedAnswer = Readonly<{
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}>;

export type SynapseProxy = Readonly<{
  forward: (request: IncomingMessage, response: ServerResponse, body?: Buffer) => Promise<void>;
  /** For the few small answers the gateway must read (login): the whole answer, buffered. */
  exchange: (request: IncomingMessage, body: Buffer) => Promise<BufferedAnswer>;
  close: () => Promise<void>;
}>;

export type SynapseProxyOptions = Readonly<{
  log: Logger;
  /** Default: no trusted proxies, so Synapse hears the connection's own address. */
  forwardingHeaders?: ForwardingHeaders;
  /** Called when Synapse cannot be reached (for the metrics). */
  onFailure?: () => void;
}>;

export function createSynapseProxy(upstreamUrl: string, options: SynapseProxyOptions): SynapseProxy {
  const { log } = options;
  const onFailure = options.onFailure ?? (() => undefined);
  const forwardingHeaders = options.forwardingHeaders ?? createForwardingHeaders([]);
  const pool = new Pool(upstreamUrl, {
    connections: 128,
    keepAliveTimeout: 60_000,
    // /sync long-polls for as long as the client asks (typically 30 s); never cut it short here.
    headersTimeout: 300_000,
    bodyTimeout: 0,
  });

  function upstreamHeaders(
    request: IncomingMessage,
    body: Buffer | undefined,
  ): Record<string, string | string[]> {
    const headers: Record<string, string | string[]> = {
      // Any forwarding claim the client made is dropped for the gateway's own (see forwardedFor.ts).
      ...endToEndHeaders(request.headers, gatewayOnly),
      ...forwardingHeaders(request),
    };
    if (body) {
      headers['content-length'] = String(body.length);
      // A body the gateway has read is JSON, checked as JSON: Synapse must read it as nothing else (Twisted reads a
      // form-encoded POST body, however its type is spelt, into the query arguments the access token comes from).
      headers['content-type'] = 'application/json';
    }
    return headers;
  }

  function failed(error: unknown): void {
    onFailure();
    log.warn(
      { err: { message: (error as Error).message, code: (error as NodeJS.ErrnoException).code } },
      'upstream request failed',
    );
  }

  async function exchange(request: IncomingMessage, body: Buffer): Promise<BufferedAnswer> {
    try {
      const upstream = await pool.request({
        path: request.url ?? '/',
        method: request.method ?? 'POST',
        headers: upstreamHeaders(request, body),
        body,
      });
      return {
        statusCode: upstream.statusCode,
        headers: endToEndHeaders(upstream.headers, answerOnly),
        body: Buffer.from(await upstream.body.arrayBuffer()),
      };
    } catch (error) {
      failed(error);
      throw upstreamUnavailable();
    }
  }

  async function forward(request: IncomingMessage, response: ServerResponse, body?: Buffer): Promise<void> {
    const headers = upstreamHeaders(request, body);
    const hasBody =
      body !== undefined ||
      request.headers['content-length'] !== undefined ||
      request.headers['transfer-encoding'] !== undefined;
    // A client that goes away (a closed laptop lid mid-/sync) cancels the upstream request too. When Synapse fails
    // halfway through its answer, undici closes the response with Synapse's error instead: that is a failure, not a
    // client that left, and is counted below.
    const abort = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished && !response.errored) abort.abort();
    });
    try {
      // undici writes the answer's body straight into the client's response (no intermediate stream).
      await pool.stream(
        {
          path: request.url ?? '/',
          method: request.method ?? 'GET',
          headers,
          body: body ?? (hasBody ? request : null),
          signal: abort.signal,
        },
        ({ statusCode, headers: answerHeaders }) => {
          response.writeHead(statusCode, endToEndHeaders(answerHeaders, answerOnly));
          return response;
        },
      );
    } catch (error) {
      if (abort.signal.aborted) return;
      failed(response.errored ?? error);
      if (!response.headersSent) sendMatrixError(response, upstreamUnavailable());
      else response.destroy();
    }
  }

  return { forward, exchange, close: () => pool.close() };
}

export function upstreamUnavailable(): MatrixError {
  return new MatrixError(
    502,
    'M_UNKNOWN',
    'The homeserver did not answer; try again shortly (a message retried with the same transaction ID is not duplicated).',
  );
}
