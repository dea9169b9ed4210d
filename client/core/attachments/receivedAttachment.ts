// A received attachment fetched and opened: its ciphertext (and its thumbnail's) downloaded, checked against the
// hash its message carries and decrypted, ready for the archive. A thumbnail that cannot be had does not cost the
// file; a file that cannot be had is a value the caller archives as "not kept" rather than an error that would hold
// the message back from the clinician.
import { AttachmentRefusedError, decryptAttachment } from './attachmentCipher.ts';
import type { AttachmentSource, EncryptedMedia } from './attachmentSource.ts';
import { MediaDownloadError, type MediaDownload } from './mediaDownload.ts';

export type ReceivedAttachment =
  | Readonly<{ kept: true; file: Uint8Array; thumbnail: Uint8Array | null }>
  /** `passing`: the server or the network was down or busy, so trying again later may get it. */
  | Readonly<{ kept: false; why: 'refused' | 'unavailable'; passing: boolean }>;

/** No answer, a server error, or a rate limit: a failure that passes. A 404 or 403 does not. */
function passes(error: MediaDownloadError): boolean {
  return error.status === null || error.status === 429 || error.status >= 500;
}

async function opened(download: MediaDownload, media: EncryptedMedia): Promise<Uint8Array> {
  return decryptAttachment(await download(media.mxc), media.key);
}

export async function receiveAttachment(
  download: MediaDownload,
  source: AttachmentSource,
): Promise<ReceivedAttachment> {
  let file: Uint8Array;
  try {
    file = await opened(download, source.file);
  } catch (error) {
    if (error instanceof AttachmentRefusedError) return { kept: false, why: 'refused', passing: false };
    if (error instanceof MediaDownloadError)
      return { kept: false, why: 'unavailable', passing: passes(error) };
    throw error;
  }
  let thumbnail: Uint8Array | null = null;
  if (source.thumbnail) {
    try {
      thumbnail = await opened(download, source.thumbnail);
    } catch (error) {
      if (!(error instanceof AttachmentRefusedError) && !(error instanceof MediaDownloadError)) throw error;
    }
  }
  return { kept: true, file, thumbnail };
}
