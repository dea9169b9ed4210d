// Uploads an attachment's ciphertext to the homeserver (POST /_matrix/media/v3/upload, which the gateway streams to
// Synapse) through the platform's fetch, so the session's access token is renewed like every other request
// (session/sessionTokens.ts): matrix-js-sdk's uploadContent uses XMLHttpRequest wherever one exists (the renderer),
// past that fetch. Only ciphertext is ever given here (attachmentCipher.ts encrypts first), sent as
// application/octet-stream with no file name: Synapse keeps both in the clear, and the name is inside the encrypted
// event instead.
import { errorForAnswer, errorForNetworkFailure } from '../errors/classifyFailure.ts';
import { parseMxc } from './attachmentSource.ts';

export type MediaUpload = (ciphertext: Uint8Array) => Promise<string>;

export type MediaUploadOptions = Readonly<{
  fetch: typeof globalThis.fetch;
  serverUrl: string;
  /** A token the session held; the session's fetch sends its current one in its place. */
  accessToken: string;
}>;

/** Resolves with the upload's mxc URI; rejects with the core's typed error (errors/clientErrors.ts). */
export function encryptedMediaUpload(options: MediaUploadOptions): MediaUpload {
  return async (ciphertext) => {
    let response: Response;
    try {
      response = await options.fetch(new URL('/_matrix/media/v3/upload', options.serverUrl), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.accessToken}`,
          'content-type': 'application/octet-stream',
        },
        body: new Uint8Array(ciphertext),
      });
    } catch (error) {
      throw errorForNetworkFailure(options.serverUrl, error);
    }
    const body: unknown = await response.json().catch(() => undefined);
    const uri =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>).content_uri : undefined;
    if (!response.ok || typeof uri !== 'string' || parseMxc(uri) === undefined) {
      throw errorForAnswer(
        options.serverUrl,
        {
          status: response.ok ? 502 : response.status,
          body,
          retryAfter: response.headers.get('retry-after'),
        },
        'session',
      );
    }
    return uri;
  };
}
