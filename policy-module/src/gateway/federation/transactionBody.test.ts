import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTransaction } from './transactionBody.ts';

/** A request body arriving in the given chunks. */
function request(
  chunks: readonly (string | Buffer)[],
  headers: Record<string, string> = {},
): IncomingMessage {
  return Object.assign(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), { headers }) as never;
}

const limit = 20;
const transaction = '{"pdus":[],"edus":[]}'; // 21 bytes

describe('reading a partner transaction whole', () => {
  it('reads a transaction up to the limit, declared or chunked', async () => {
    const body = '{"pdus":[],"edus":1}'; // 20 bytes
    const framings: Record<string, string>[] = [{ 'content-length': '20' }, {}];
    for (const headers of framings) {
      expect(await readTransaction(request([body.slice(0, 7), body.slice(7)], headers), limit)).toEqual({
        outcome: 'read',
        raw: Buffer.from(body),
        transaction: { pdus: [], edus: 1 },
      });
    }
  });

  it('refuses, 413, one declared larger than the limit without reading it', async () => {
    const unread = Object.assign(
      new Readable({
        read() {
          throw new Error('the body was read');
        },
      }),
      { headers: { 'content-length': String(limit + 1) } },
    ) as never;
    expect(await readTransaction(unread, limit)).toMatchObject({
      outcome: 'refuse',
      error: {
        status: 413,
        errcode: 'M_TOO_LARGE',
        rule: 'inspected-transactions',
        message: 'The transaction is larger than 20 bytes, the most this homeserver accepts',
      },
    });
  });

  it('refuses, 413, one that turns out larger than the limit, and stops reading it', async () => {
    const body = new PassThrough();
    const result = readTransaction(Object.assign(body, { headers: {} }) as never, limit);
    body.write(transaction.slice(0, 10));
    body.write(transaction.slice(10));
    expect(await result).toMatchObject({ outcome: 'refuse', error: { status: 413 } });
    expect(body.isPaused()).toBe(true);
  });

  it('refuses, 400, what is not UTF-8 JSON', async () => {
    // A byte that is not UTF-8 inside a string would read as U+FFFD to a lenient reader, and as valid JSON.
    const notUtf8 = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff]), Buffer.from('"}')]);
    for (const body of ['{"pdus": [', '\ufeff{}', notUtf8]) {
      expect(await readTransaction(request([body]), 100), String(body)).toMatchObject({
        outcome: 'refuse',
        error: {
          status: 400,
          errcode: 'M_NOT_JSON',
          rule: 'inspected-transactions',
          message: 'The transaction is not UTF-8 JSON',
        },
      });
    }
  });

  it('fails, forwarding nothing, when the sending server goes away or its connection breaks mid-body', async () => {
    const closed = new PassThrough();
    const read = readTransaction(Object.assign(closed, { headers: {} }) as never, 100);
    closed.write('{"pdus":');
    closed.destroy();
    await expect(read).rejects.toThrow(
      'the sending server closed the connection before the transaction ended',
    );
    const broken = new PassThrough();
    const readBroken = readTransaction(Object.assign(broken, { headers: {} }) as never, 100);
    broken.destroy(new Error('ECONNRESET'));
    await expect(readBroken).rejects.toThrow('ECONNRESET');
  });
});
