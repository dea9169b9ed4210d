import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../errors/clientErrors.ts';
import { encryptedMediaUpload } from './mediaUpload.ts';

type Seen = { url: string; init: RequestInit | undefined };

function answering(status: number, body: unknown, seen: Seen[] = []): typeof globalThis.fetch {
  return (input, init) => {
    seen.push({ url: input instanceof Request ? input.url : input.toString(), init });
    return Promise.resolve(
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
    );
  };
}

describe('uploading an attachment', () => {
  it('posts the bytes as application/octet-stream with no file name, and gives the mxc URI', async () => {
    const seen: Seen[] = [];
    const upload = encryptedMediaUpload({
      fetch: answering(200, { content_uri: 'mxc://trust-a.localhost/AbCd' }, seen),
      serverUrl: 'http://127.0.0.1:8008',
      accessToken: 'token-1',
    });
    expect(await upload(new Uint8Array([1, 2, 3]))).toBe('mxc://trust-a.localhost/AbCd');
    const [request] = seen;
    expect(request?.url).toBe('http://127.0.0.1:8008/_matrix/media/v3/upload');
    expect(new URL(request?.url ?? '').search).toBe('');
    const headers = new Headers(request?.init?.headers);
    expect(headers.get('content-type')).toBe('application/octet-stream');
    expect(headers.get('authorization')).toBe('Bearer token-1');
    expect(request?.init?.method).toBe('POST');
  });

  it("throws the core's typed error for a refusal, and for an answer without a usable mxc URI", async () => {
    const limited = encryptedMediaUpload({
      fetch: answering(429, { errcode: 'M_LIMIT_EXCEEDED', error: 'slow down', retry_after_ms: 2000 }),
      serverUrl: 'http://127.0.0.1:8008',
      accessToken: 'token-1',
    });
    await expect(limited(new Uint8Array([1]))).rejects.toBeInstanceOf(RateLimitedError);
    const odd = encryptedMediaUpload({
      fetch: answering(200, { content_uri: 'https://elsewhere.example/x' }),
      serverUrl: 'http://127.0.0.1:8008',
      accessToken: 'token-1',
    });
    await expect(odd(new Uint8Array([1]))).rejects.toMatchObject({ code: 'server-down' });
  });
});
