// The bleep://app protocol handler: serves the renderer's built files, each with its content type and the shell's
// security headers, and nothing else (rendererFile.ts decides which file a request names).
import { join, resolve, sep } from 'node:path';
import { rendererFileFor } from './rendererFile.ts';

export type RendererProtocolOptions = Readonly<{
  /** The renderer's build directory (index.html and its assets). */
  rendererDirectory: string;
  /** The file's bytes, or undefined when there is no such file. */
  readFile: (path: string) => Promise<Uint8Array<ArrayBuffer> | undefined>;
  contentSecurityPolicy: string;
}>;

function refusal(status: number): Response {
  return new Response(null, { status, headers: { 'Cache-Control': 'no-store' } });
}

export function rendererProtocolHandler(
  options: RendererProtocolOptions,
): (request: Request) => Promise<Response> {
  const root = resolve(options.rendererDirectory);
  return async (request) => {
    if (request.method !== 'GET') return refusal(405);
    const file = rendererFileFor(request.url);
    if (file.kind === 'refused') return refusal(file.status);
    const path = resolve(join(root, ...file.segments));
    // rendererFileFor only passes plain names; this holds the line again where the path is made.
    if (!path.startsWith(root + sep)) return refusal(404);
    const bytes = await options.readFile(path);
    if (bytes === undefined) return refusal(404);
    return new Response(bytes, {
      status: 200,
      headers: {
        'Content-Type': file.contentType,
        'Content-Security-Policy': options.contentSecurityPolicy,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Resource-Policy': 'same-origin',
        'Cache-Control': 'no-store',
      },
    });
  };
}
