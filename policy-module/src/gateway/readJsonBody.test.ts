import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBody, readJsonBody } from './readJsonBody.ts';

function request(chunks: readonly string[], headers: Record<string, string> = {}): IncomingMessage {
  return Object.assign(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), { headers }) as never;
}

/** A request whose body must not be read at all. */
function unread(headers: Record<string, string>): IncomingMessage {
  const body = new Readable({
    read() {
      throw new Error('the body was read');
    },
  });
  return Object.assign(body, { headers }) as never;
}

const tooLarge = { status: 413, errcode: 'M_TOO_LARGE', message: 'The request body is larger than 10 bytes' };

describe('reading a request body', () => {
  it('reads a body up to the limit, in however many chunks it comes', async () => {
    expect((await readBody(request(['01234', '56789'], { 'content-length': '10' }), 10)).toString()).toBe(
      '0123456789',
    );
    expect((await readBody(request(['0123', '4567', '89']), 10)).toString()).toBe('0123456789');
  });

  it('refuses a body declared larger than the limit without reading it', async () => {
    await expect(readBody(unread({ 'content-length': '11' }), 10)).rejects.toMatchObject(tooLarge);
  });

  it('refuses a body that turns out larger than the limit, declared or not', async () => {
    await expect(readBody(request(['012345', '67890']), 10)).rejects.toMatchObject(tooLarge);
    await expect(readBody(request(['012345', '67890'], { 'content-length': '5' }), 10)).rejects.toMatchObject(
      tooLarge,
    );
  });

  it('parses a JSON body, and reads an empty one as no body', async () => {
    expect(await readJsonBody(request(['{"a":', '1}']), 100)).toEqual({
      raw: Buffer.from('{"a":1}'),
      value: { a: 1 },
    });
    expect(await readJsonBody(request([]), 100)).toEqual({ raw: Buffer.alloc(0), value: undefined });
  });
});
