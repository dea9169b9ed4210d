// Which file of the renderer's build a bleep://app request names. Only files under the build directory, reached by
// plain path segments: a request that climbs out (`..`, encoded or not), names a hidden file, carries a separator
// inside a segment or a NUL, or asks for a kind of file the shell does not serve, gets nothing.
import { isAppUrl } from './appOrigin.ts';
import { contentTypeOf } from './contentType.ts';

export type RendererFile =
  | Readonly<{ kind: 'file'; segments: readonly string[]; contentType: string }>
  | Readonly<{ kind: 'refused'; status: 400 | 404 }>;

const refusedSegment = /[/\\\0:]/;

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * The path segments (relative to the build directory) and content type of the file a URL names; the directory's
 * index.html for the root. Segments are decoded once, and each must be a plain name.
 */
export function rendererFileFor(url: string): RendererFile {
  if (!isAppUrl(url)) return { kind: 'refused', status: 404 };
  const { pathname } = new URL(url);
  const raw = pathname === '/' ? ['index.html'] : pathname.slice(1).split('/');
  const segments: string[] = [];
  for (const rawSegment of raw) {
    const segment = decodeSegment(rawSegment);
    if (segment === undefined) return { kind: 'refused', status: 400 };
    // Hidden files and '.'/'..' all start with a dot; an empty segment is a doubled slash or a directory.
    if (segment === '' || segment.startsWith('.') || refusedSegment.test(segment)) {
      return { kind: 'refused', status: 404 };
    }
    segments.push(segment);
  }
  const contentType = contentTypeOf(segments.at(-1) ?? '');
  if (contentType === undefined) return { kind: 'refused', status: 404 };
  return { kind: 'file', segments, contentType };
}
