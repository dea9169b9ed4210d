// Walks Synapse's media store for files last written before a time: the proof's check that deleting media
// really removed the files, whatever the database says. It only reads (stat), never opens a file. Layout
// (synapse/media/filepath.py): local_content/ab/cd/<rest of id>, local_thumbnails/ab/cd/<rest>/<size files>,
// remote_content/<server>/ab/cd/<rest>, remote_thumbnail/..., url_cache/... (previews are off in Bleep).
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export type OldFiles = Readonly<{ count: number; oldest: Date | null }>;

const mediaDirs = [
  'local_content',
  'local_thumbnails',
  'remote_content',
  'remote_thumbnail',
  'url_cache',
  'url_cache_thumbnails',
];

/** The local media id a file belongs to, for local_content and local_thumbnails; undefined otherwise. */
export function localMediaIdOf(relativePath: string): string | undefined {
  const parts = relativePath.split(sep);
  if (parts[0] === 'local_content' && parts.length === 4) return parts.slice(1).join('');
  if (parts[0] === 'local_thumbnails' && parts.length >= 4) return parts.slice(1, 4).join('');
  return undefined;
}

async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export async function oldMediaFiles(
  mediaStorePath: string,
  before: Date,
  keptLocalMedia: ReadonlySet<string>,
): Promise<OldFiles> {
  let count = 0;
  let oldest: number | null = null;
  for (const name of mediaDirs) {
    for (const path of await filesUnder(join(mediaStorePath, name))) {
      const mediaId = localMediaIdOf(relative(mediaStorePath, path));
      if (mediaId !== undefined && keptLocalMedia.has(mediaId)) continue;
      let modified: number;
      try {
        modified = (await stat(path)).mtimeMs;
      } catch {
        continue; // deleted while walking
      }
      if (modified < before.getTime()) {
        count += 1;
        oldest = oldest === null ? modified : Math.min(oldest, modified);
      }
    }
  }
  return { count, oldest: oldest === null ? null : new Date(oldest) };
}
