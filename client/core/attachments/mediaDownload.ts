// Downloads a file's ciphertext from the homeserver's authenticated media route (GET /_matrix/client/v1/media/
// download/{serverName}/{mediaId}, the only download route the gateway forwards), with the session's access token:
// the platform's fetch given to a signed-in session renews that token when it has expired (session/sessionTokens.ts).
// A partner trust's file comes the same way: this trust's homeserver fetches it over authenticated federation.
import type { MxcUri } from './attachmentSource.ts';

export type MediaDownload = (mxc: MxcUri) => Promise<Uint8Array>;

/** The homeserver did not hand over the file (gone, refused, too large, or unreachable). */
export class MediaDownloadError extends Error {
  override readonly name = 'MediaDownloadError';
  /** The HTTP status, or null when no answer came (or the answer was larger than allowed). */
  readonly status: number | null;
  constructor(status: number | null, message: string) {
    super(message);
    this.status = status;
  }
}

export type MediaDownloadOptions = Readonly<{
  fetch: typeof globalThis.fetch;
  serverUrl: string;
  /** A token the session held; the session's fetch sends its current one in its place. */
  accessToken: string;
  /** Larger answers are refused, whatever the event declared (the trust's upload limit is the natural bound). */
  maxBytes: number;
}>;

export function authenticatedMediaDownload(options: MediaDownloadOptions): MediaDownload {
  return async ({ serverName, mediaId }) => {
    const url = new URL(
      `/_matrix/client/v1/media/download/${encodeURIComponent(serverName)}/${encodeURIComponent(mediaId)}`,
      options.serverUrl,
    );
    let response: Response;
    try {
      response = await options.fetch(url, { headers: { authorization: `Bearer ${options.accessToken}` } });
    } catch {
      throw new MediaDownloadError(null, 'the homeserver could not be reached for the attachment');
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new MediaDownloadError(
        response.status,
        `the homeserver answered ${response.status} for the attachment`,
      );
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > options.maxBytes) {
      await response.body?.cancel();
      throw new MediaDownloadError(null, 'the attachment is larger than this desktop accepts');
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > options.maxBytes)
      throw new MediaDownloadError(null, 'the attachment is larger than this desktop accepts');
    return bytes;
  };
}
