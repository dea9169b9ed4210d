// Builds the test page (page/: the client core on the browser platform) with Vite, as the desktop's renderer will be
// built: Vite resolves matrix-sdk-crypto-wasm's browser entry, which fetches its wasm from
// `new URL('./pkg/…wasm', import.meta.url)`, and emits that wasm as an asset beside the bundle, so the page loads rust
// crypto from its own origin. No type-checking here: `tsc -p client` covers the page.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const pageDirectory = fileURLToPath(new URL('./page/', import.meta.url));

/** Builds the page into a fresh directory and returns it. */
export async function buildDesktopPage(): Promise<string> {
  const outDir = join(await mkdtemp(join(tmpdir(), 'bleep-desktop-page-')), 'dist');
  await build({
    root: pageDirectory,
    configFile: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, minify: false },
  });
  return outDir;
}
