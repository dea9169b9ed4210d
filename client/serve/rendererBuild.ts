// Builds the renderer (client/renderer: React, the core, rust crypto's wasm) with Vite into a directory of static
// files: index.html, the bundle, the stylesheet, and the wasm as an asset beside them, all loaded from the page's own
// origin (nothing from anywhere else). No type-checking here: `tsc -p client` covers the renderer.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const rendererSource = fileURLToPath(new URL('../renderer/', import.meta.url));
export const defaultRendererOutput = fileURLToPath(new URL('../dist/renderer/', import.meta.url));

export async function buildRenderer(outDir = defaultRendererOutput): Promise<string> {
  await build({
    root: rendererSource,
    base: './',
    configFile: false,
    logLevel: 'warn',
    // Production, whatever NODE_ENV the caller runs with (vitest sets 'test', which would otherwise select React's
    // development JSX runtime, absent from the production bundle).
    mode: 'production',
    oxc: { jsx: { runtime: 'automatic', development: false } },
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir,
      emptyOutDir: true,
      // Top-level await in the core's wasm loader needs a modern target; Chromium (and Electron) have it.
      target: 'es2024',
      // A source map would put the code's text beside it; nothing needs it in production.
      sourcemap: false,
      chunkSizeWarningLimit: 8_000,
    },
  });
  return outDir;
}
