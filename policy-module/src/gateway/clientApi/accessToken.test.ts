import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAccessToken, type AccessTokenLookup } from './accessToken.ts';

// Requests go through Node's own HTTP parser (raw bytes on a socket), so duplicate headers arrive as they would.
let seen: ((request: IncomingMessage) => void) | undefined;
const server = createServer((request, response) => {
  seen?.(request);
  response.end();
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function lookAt<T>(
  url: string,
  headers: readonly string[],
  read: (request: IncomingMessage) => T,
): Promise<T> {
  const result = new Promise<T>((resolve) => {
    seen = (request) => {
      resolve(read(request));
    };
  });
  const lines = [`GET ${url} HTTP/1.1`, 'Host: x', 'Connection: close'];
  for (let index = 0; index < headers.length; index += 2)
    lines.push(`${headers[index] ?? ''}: ${headers[index + 1] ?? ''}`);
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  socket.on('data', () => undefined);
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  const value = await result;
  socket.destroy();
  return value;
}

const tokenOf = (url: string, headers: readonly string[] = []): Promise<AccessTokenLookup> =>
  lookAt(url, headers, findAccessToken);

describe('access token, read where Synapse reads it', () => {
  it('reads a Bearer header, or else one access_token query parameter', async () => {
    expect(await tokenOf('/x', ['Authorization', 'Bearer abc'])).toEqual({ outcome: 'token', token: 'abc' });
    expect(await tokenOf('/x?access_token=abc')).toEqual({ outcome: 'token', token: 'abc' });
    expect(await tokenOf('/x?access%5Ftoken=abc')).toEqual({ outcome: 'token', token: 'abc' });
    expect(await tokenOf('/x')).toEqual({ outcome: 'none' });
    expect(await tokenOf('/?access_token=abc')).toEqual({ outcome: 'token', token: 'abc' });
  });

  it('says why a token is ambiguous', async () => {
    for (const [url, headers, reason] of [
      ['/x?access_token=a', ['Authorization', 'Bearer b'], 'a token in both a header and the query'],
      [
        '/x',
        ['Authorization', 'Bearer a', 'Authorization', 'Bearer b'],
        'more than one Authorization header',
      ],
      ['/x', ['Authorization', 'Basic YTpi'], 'an Authorization header that is not "Bearer <token>"'],
      ['/x?access_token=a&access_token=b', [], 'more than one access_token parameter'],
      ['/x?access_token=%C3%A9', [], 'an access token with characters no token has'],
    ] as const) {
      expect(await tokenOf(url, headers), reason).toEqual({ outcome: 'ambiguous', reason });
    }
  });

  it('calls ambiguous what Synapse would refuse or read otherwise', async () => {
    for (const [url, headers] of [
      ['/x?access_token=a', ['Authorization', 'Bearer b']],
      ['/x?access_token=a&access_token=b', []],
      ['/x', ['Authorization', 'Bearer a', 'Authorization', 'Bearer b']],
      ['/x', ['Authorization', 'bearer a']],
      ['/x', ['Authorization', 'Bearer  a']],
      ['/x', ['Authorization', 'Bearer a b']],
      ['/x', ['Authorization', 'Basic YTpi']],
      ['/x?access_token=abc%0Ddef', []],
      ['/x?access_token=abc%00def', []],
      ['/x?access_token=%C3%A9', []],
      ['/x?access_token=', []],
    ] as const) {
      expect((await tokenOf(url, headers)).outcome, `${url} ${headers.join(' ')}`).toBe('ambiguous');
    }
  });
});
