import { describe, expect, it } from 'vitest';
import { authenticatedMediaDownload, MediaDownloadError } from './mediaDownload.ts';

function serving(status: number, bytes: Uint8Array, seen: string[] = []): typeof globalThis.fetch {
  return (input) => {
    seen.push(input instanceof Request ? input.url : input.toString());
    return Promise.resolve(new Response(new Uint8Array(bytes), { status }));
  };
}

const options = { serverUrl: 'http://127.0.0.1:8009', accessToken: 'token-b', maxBytes: 16 };

describe('downloading an attachment', () => {
  it("asks the authenticated media route of the clinician's own homeserver for the partner's file", async () => {
    const seen: string[] = [];
    const download = authenticatedMediaDownload({
      ...options,
      fetch: serving(200, new Uint8Array([9, 8]), seen),
    });
    expect(await download({ serverName: 'trust-a.localhost:8448', mediaId: 'AbC_-1' })).toEqual(
      new Uint8Array([9, 8]),
    );
    expect(seen).toEqual([
      'http://127.0.0.1:8009/_matrix/client/v1/media/download/trust-a.localhost%3A8448/AbC_-1',
    ]);
  });

  it('refuses an answer larger than allowed, and says what the server answered otherwise', async () => {
    const big = authenticatedMediaDownload({ ...options, fetch: serving(200, new Uint8Array(17)) });
    await expect(big({ serverName: 'a', mediaId: 'b' })).rejects.toBeInstanceOf(MediaDownloadError);
    const gone = authenticatedMediaDownload({ ...options, fetch: serving(404, new Uint8Array()) });
    await expect(gone({ serverName: 'a', mediaId: 'b' })).rejects.toMatchObject({ status: 404 });
    const down = authenticatedMediaDownload({
      ...options,
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    await expect(down({ serverName: 'a', mediaId: 'b' })).rejects.toMatchObject({ status: null });
  });
});
