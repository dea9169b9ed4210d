// A message's file, read from this desktop's archive (the core decrypted and kept it; nothing is fetched here):
// an image is shown from its thumbnail (or itself), any file can be saved. Object URLs are revoked when the view goes.
import { useEffect, useState } from 'react';
import type { TimelineAttachment } from '../../core/stores/timelineSlice.ts';
import { useCoreContext } from '../app/coreContext.ts';

type AttachmentPreviewProps = Readonly<{ roomId: string; eventId: string; attachment: TimelineAttachment }>;

function sizeText(size: number | null): string {
  if (size === null) return '';
  if (size < 1024) return `${size} bytes`;
  if (size < 1024 * 1024) return `${Math.round(size / 1024)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

export function AttachmentPreview({ roomId, eventId, attachment }: AttachmentPreviewProps) {
  const { session } = useCoreContext();
  const [imageUrl, setImageUrl] = useState<string | null>(null);
  const isImage = attachment.mimetype?.startsWith('image/') === true;

  useEffect(() => {
    if (!isImage || !attachment.kept) return;
    let url: string | null = null;
    const view = { shown: true };
    void (async () => {
      const bytes =
        (attachment.thumbnail ? await session.readAttachment(roomId, eventId, 'thumbnail') : undefined) ??
        (await session.readAttachment(roomId, eventId));
      if (!view.shown || bytes === undefined) return;
      url = URL.createObjectURL(
        new Blob([bytes as Uint8Array<ArrayBuffer>], { type: attachment.mimetype ?? '' }),
      );
      setImageUrl(url);
    })();
    return () => {
      view.shown = false;
      if (url !== null) URL.revokeObjectURL(url);
    };
  }, [session, roomId, eventId, isImage, attachment.kept, attachment.thumbnail, attachment.mimetype]);

  async function save() {
    const bytes = await session.readAttachment(roomId, eventId);
    if (bytes === undefined) return;
    const url = URL.createObjectURL(
      new Blob([bytes as Uint8Array<ArrayBuffer>], {
        type: attachment.mimetype ?? 'application/octet-stream',
      }),
    );
    const link = document.createElement('a');
    link.href = url;
    link.download = attachment.name;
    link.click();
    URL.revokeObjectURL(url);
  }

  if (!attachment.kept)
    return <p className="bleep-hint">{attachment.name}: not on this desktop (it could not be fetched)</p>;
  return (
    <figure className="bleep-attachment">
      {isImage && imageUrl !== null && (
        <img src={imageUrl} alt={attachment.name} className="bleep-attachment__image" />
      )}
      <figcaption>
        <span>{attachment.name}</span> <span className="bleep-hint">{sizeText(attachment.size)}</span>{' '}
        <button type="button" className="bleep-link-button" onClick={() => void save()}>
          Save {isImage ? 'image' : 'file'}
        </button>
      </figcaption>
    </figure>
  );
}
