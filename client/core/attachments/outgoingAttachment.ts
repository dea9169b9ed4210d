// The m.room.message content for a file a clinician sends: the file (and a thumbnail, when the caller made one)
// encrypted here, each ciphertext uploaded, and the spec's `file` (mxc URI, key, counter, hash) put in the content,
// which the SDK then encrypts with Megolm for the room. The file's name, type and size travel only inside that
// encrypted content. Images are sent as m.image, anything else as m.file.
import { encryptAttachment } from './attachmentCipher.ts';
import type { MediaUpload } from './mediaUpload.ts';

export type OutgoingAttachment = Readonly<{
  name: string;
  mimetype: string;
  bytes: Uint8Array;
  /** For an image: its size in pixels, when the caller knows it. */
  image?: Readonly<{ w: number; h: number }>;
  /** A smaller picture the renderer made (the core has no DOM to make one), sent encrypted like the file. */
  thumbnail?: Readonly<{ mimetype: string; bytes: Uint8Array; w: number; h: number }>;
}>;

/** Encrypts and uploads, then gives the content to send. Never uploads the plaintext. */
export async function attachmentContent(
  attachment: OutgoingAttachment,
  upload: MediaUpload,
  randomBytes: (length: number) => Uint8Array,
): Promise<Record<string, unknown>> {
  const encrypted = await encryptAttachment(attachment.bytes, randomBytes);
  const file = { url: await upload(encrypted.ciphertext), ...encrypted.key };
  let thumbnail: Record<string, unknown> = {};
  if (attachment.thumbnail) {
    const { mimetype, bytes, w, h } = attachment.thumbnail;
    const sealed = await encryptAttachment(bytes, randomBytes);
    thumbnail = {
      thumbnail_file: { url: await upload(sealed.ciphertext), ...sealed.key },
      thumbnail_info: { mimetype, size: bytes.length, w, h },
    };
  }
  const isImage = attachment.mimetype.startsWith('image/');
  return {
    msgtype: isImage ? 'm.image' : 'm.file',
    body: attachment.name,
    filename: attachment.name,
    file,
    info: {
      mimetype: attachment.mimetype,
      size: attachment.bytes.length,
      ...(isImage && attachment.image ? attachment.image : {}),
      ...thumbnail,
    },
  };
}
