// Against a stand-in for Synapse's /logout on a local port (unit test only).
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { discardToken } from './discardToken.ts';

type Seen = { method: string; url: string; authorization: string; contentType: string; body: string };

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** A logger whose lines the test can read. */
function capturedLog() {
  const lines: { level: number; msg: string }[] = [];
  const log = pino(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as { level: number; msg: string });
        done();
      },
    }),
  );
  return { lines, log };
}

describe("taking back a revoked desktop's new token", () => {
  const seen: Seen[] = [];
  let status = 200;
  const synapse = createServer((request, response) => {
    void bodyOf(request).then((body) => {
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: request.headers.authorization ?? '',
        contentType: request.headers['content-type'] ?? '',
        body,
      });
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  let synapseUrl = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => synapse.listen(0, '127.0.0.1', resolve));
    synapseUrl = `http://127.0.0.1:${(synapse.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => synapse.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
    status = 200;
  });

  it('signs the token out at Synapse with the token itself, quietly when that works', async () => {
    const { lines, log } = capturedLog();
    await discardToken(synapseUrl, 'syt_new', log);
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/_matrix/client/v3/logout',
        authorization: 'Bearer syt_new',
        contentType: 'application/json',
        body: '{}',
      },
    ]);
    expect(lines).toEqual([]);
  });

  it('says so in a warning when Synapse refuses, and when Synapse cannot be reached, without throwing', async () => {
    const { lines, log } = capturedLog();
    status = 500;
    await discardToken(synapseUrl, 'syt_new', log);
    await discardToken('http://127.0.0.1:1', 'syt_new', log);
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [40, "could not sign out a revoked desktop's new token"],
      [40, "could not sign out a revoked desktop's new token"],
    ]);
    expect(JSON.stringify(lines)).not.toContain('syt_new');
  });
});
