// Where a received message's attachment is and how to open it, read from the decrypted content of an m.file,
// m.image, m.audio or m.video message: the spec's `file` (an mxc URI with its AES-CTR key and ciphertext hash) and,
// when the content carries one, `info.thumbnail_file`. Plain data, but it holds the keys: it goes from sync to the
// archive's intake and no further (the store and the archive never keep it). An attachment sent in the clear (`url`
// instead of `file`) is not fetched: nothing in a Bleep room is sent that way, and the gateway refuses plaintext.
import type { AttachmentKey } from './attachmentCipher.ts';

export type EncryptedMedia = Readonly<{
  mxc: MxcUri;
  key: AttachmentKey;
  /** What the sender declared; the archive keeps the size it received. */
  mimetype: string | null;
  size: number | null;
}>;

export type AttachmentSource = Readonly<{
  /** The file's name as the sender gave it (content.filename, else the body). */
  name: string;
  file: EncryptedMedia;
  thumbnail: (EncryptedMedia & Readonly<{ w: number | null; h: number | null }>) | null;
}>;

export type MxcUri = Readonly<{ serverName: string; mediaId: string }>;

export const attachmentMsgtypes: readonly string[] = ['m.file', 'm.image', 'm.audio', 'm.video'];

// The spec's grammar, narrowly: a server name (host, IPv6 literal, port) and an opaque id of [A-Za-z0-9_-]. Anything
// else would be put into a download path, so it is refused rather than escaped.
const mxcPattern =
  /^mxc:\/\/([A-Za-z0-9.-]+(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?)\/([A-Za-z0-9_-]{1,255})$/;

export function parseMxc(uri: string): MxcUri | undefined {
  const match = mxcPattern.exec(uri);
  if (!match?.[1] || !match[2]) return undefined;
  return { serverName: match[1], mediaId: match[2] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const stringOrNull = (value: unknown) => (typeof value === 'string' ? value : null);
const sizeOrNull = (value: unknown) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;

function attachmentKeyOf(file: Record<string, unknown>): AttachmentKey | undefined {
  const { key, iv, hashes, v } = file;
  if (!isRecord(key) || !isRecord(hashes) || typeof iv !== 'string' || typeof v !== 'string')
    return undefined;
  const { kty, key_ops: keyOps, alg, k, ext } = key;
  if (typeof kty !== 'string' || typeof alg !== 'string' || typeof k !== 'string') return undefined;
  if (!Array.isArray(keyOps) || !keyOps.every((op) => typeof op === 'string')) return undefined;
  const sha256 = hashes.sha256;
  if (typeof sha256 !== 'string') return undefined;
  return { key: { kty, key_ops: keyOps, alg, k, ext: ext === true }, iv, hashes: { sha256 }, v };
}

function encryptedMedia(file: unknown, info: Record<string, unknown>): EncryptedMedia | undefined {
  if (!isRecord(file) || typeof file.url !== 'string') return undefined;
  const mxc = parseMxc(file.url);
  const key = attachmentKeyOf(file);
  if (!mxc || !key) return undefined;
  return { mxc, key, mimetype: stringOrNull(info.mimetype), size: sizeOrNull(info.size) };
}

/** The encrypted attachment this message content carries, or undefined for any other content. */
export function attachmentSourceFor(
  content: Readonly<Record<string, unknown>>,
): AttachmentSource | undefined {
  if (typeof content.msgtype !== 'string' || !attachmentMsgtypes.includes(content.msgtype)) return undefined;
  const info = isRecord(content.info) ? content.info : {};
  const file = encryptedMedia(content.file, info);
  if (!file) return undefined;
  const thumbnailInfo = isRecord(info.thumbnail_info) ? info.thumbnail_info : {};
  const thumbnail = encryptedMedia(info.thumbnail_file, thumbnailInfo);
  const name =
    typeof content.filename === 'string' && content.filename !== ''
      ? content.filename
      : typeof content.body === 'string'
        ? content.body
        : '';
  return {
    name,
    file,
    thumbnail: thumbnail
      ? { ...thumbnail, w: sizeOrNull(thumbnailInfo.w), h: sizeOrNull(thumbnailInfo.h) }
      : null,
  };
}
