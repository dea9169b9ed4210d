// A picture's size and a small JPEG of it, made here before it is encrypted and sent (the core has no DOM to make
// one): the recipient sees the thumbnail at once, and the full image only when opened or saved.
const thumbnailEdge = 320;

export type ImageDetails = Readonly<{
  image: Readonly<{ w: number; h: number }>;
  thumbnail: Readonly<{ mimetype: string; bytes: Uint8Array; w: number; h: number }>;
}>;

export async function imageDetails(file: Blob): Promise<ImageDetails | undefined> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, thumbnailEdge / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const h = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(w, h);
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, w, h);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
    const details = {
      image: { w: bitmap.width, h: bitmap.height },
      thumbnail: { mimetype: 'image/jpeg', bytes: new Uint8Array(await blob.arrayBuffer()), w, h },
    };
    bitmap.close();
    return details;
  } catch {
    // Not a picture the browser can read: it is sent as a file, without a preview.
    return undefined;
  }
}
