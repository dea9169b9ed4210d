// Sends one HTTP request exactly as written, for the attack tests: the request target byte for byte (fetch parses
// it as a URL first, which resolves "." and ".." segments before anything is sent), headers in order with repeats
// (two Authorization headers), and a body whole or in chunks. The gateway must read a request the way Synapse
// reads it, so the tests must be able to write what no well-behaved client would.
import { request } from 'node:http';

export type RawRequest = Readonly<{
  method: string;
  /** Path and query, sent as written. */
  target: string;
  /** Header lines in order; a name may repeat. */
  headers?: readonly (readonly [string, string])[];
  /** Sent with its Content-Length, or in pieces with Transfer-Encoding: chunked when `chunks` is given instead. */
  body?: string | Buffer;
  chunks?: readonly (string | Buffer)[];
}>;

export type RawAnswer = Readonly<{
  status: number;
  text: string;
  /** The answer's JSON object, when it is one. */
  json: Readonly<Record<string, unknown>> | undefined;
}>;

function parsedObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Sends `raw` to the server at `baseUrl` (http only) on a connection of its own, and reads the whole answer. */
export async function rawRequest(baseUrl: string, raw: RawRequest, timeoutMs = 30_000): Promise<RawAnswer> {
  const { host, hostname, port } = new URL(baseUrl);
  const body = raw.body === undefined ? undefined : Buffer.from(raw.body);
  // With headers as a list, Node adds no Host header of its own.
  const headers = [['host', host], ...(raw.headers ?? []).map(([name, value]) => [name, value])];
  if (body !== undefined) headers.push(['content-length', String(body.length)]);
  if (raw.chunks !== undefined) headers.push(['transfer-encoding', 'chunked']);
  return new Promise<RawAnswer>((resolve, reject) => {
    const outgoing = request(
      {
        host: hostname,
        port: Number(port),
        method: raw.method,
        path: raw.target,
        // The array form keeps repeated names as separate header lines (an object would merge them).
        headers: headers.flat(),
        agent: false,
        timeout: timeoutMs,
      },
      (answer) => {
        const received: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => received.push(chunk));
        answer.on('error', reject);
        answer.on('end', () => {
          const text = Buffer.concat(received).toString('utf8');
          resolve({ status: answer.statusCode ?? 0, text, json: parsedObject(text) });
        });
      },
    );
    outgoing.on('timeout', () => {
      outgoing.destroy(new Error(`${raw.method} ${raw.target}: no answer within ${timeoutMs} ms`));
    });
    outgoing.on('error', reject);
    if (raw.chunks !== undefined) {
      for (const chunk of raw.chunks) outgoing.write(chunk);
      outgoing.end();
    } else {
      outgoing.end(body);
    }
  });
}

/** The usual client headers: a bearer token and a JSON body. */
export function bearer(token: string): [string, string][] {
  return [
    ['authorization', `Bearer ${token}`],
    ['content-type', 'application/json'],
  ];
}

/** A well-formed client request with a bearer token and a JSON body (the canonical spelling of a call). */
export function clientCall(
  baseUrl: string,
  token: string,
  method: string,
  target: string,
  body?: unknown,
): Promise<RawAnswer> {
  return rawRequest(baseUrl, {
    method,
    target,
    headers: bearer(token),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
