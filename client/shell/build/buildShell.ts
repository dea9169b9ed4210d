// Builds the shell into client/dist/shell: the main process (main.cjs), the preload (preload.cjs) and the package.json
// Electron starts from. Each entry is bundled on its own into one CommonJS file: the preload runs sandboxed, where
// require() knows only 'electron', so it may not share a chunk with anything. Run as `npm run build:shell -w client`.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { desktopManifest } from './desktopManifest.ts';

const shellDirectory = fileURLToPath(new URL('../', import.meta.url));
const clientDirectory = join(shellDirectory, '..');
export const defaultShellOutputDirectory = join(clientDirectory, 'dist', 'shell');

async function bundle(entry: string, fileName: string, outDir: string): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    root: shellDirectory,
    build: {
      ssr: join(shellDirectory, entry),
      outDir,
      emptyOutDir: false,
      target: 'node22',
      minify: false,
      sourcemap: false,
      copyPublicDir: false,
      rollupOptions: {
        external: ['electron', /^node:/],
        output: { format: 'cjs', entryFileNames: fileName, codeSplitting: false },
      },
    },
  });
}

/** Builds the shell into a directory (default client/dist/shell) and returns it. */
export async function buildShell(outDir = defaultShellOutputDirectory): Promise<string> {
  await mkdir(outDir, { recursive: true });
  await bundle('main/main.ts', 'main.cjs', outDir);
  await bundle('preload/preload.ts', 'preload.cjs', outDir);
  const clientPackage = JSON.parse(await readFile(join(clientDirectory, 'package.json'), 'utf8')) as {
    version: string;
  };
  await writeFile(
    join(outDir, 'package.json'),
    `${JSON.stringify(desktopManifest(clientPackage.version), null, 2)}\n`,
  );
  return outDir;
}

if (import.meta.main) {
  console.log(`bleep shell built into ${await buildShell()}`);
}
