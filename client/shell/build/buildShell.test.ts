import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildShell } from './buildShell.ts';

let outDir = '';

function requiredModules(bundle: string): string[] {
  return [...bundle.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1] ?? '');
}

beforeAll(async () => {
  outDir = await buildShell(join(await mkdtemp(join(tmpdir(), 'bleep-shell-build-')), 'shell'));
}, 60_000);

describe('the shell build', () => {
  it('bundles the preload into one file that requires only electron (all a sandboxed preload may)', async () => {
    const preload = await readFile(join(outDir, 'preload.cjs'), 'utf8');
    expect(requiredModules(preload)).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld');
    expect(preload).toContain('"bleepDesktop"');
  });

  it('bundles the main process into one file that requires only electron and Node built-ins', async () => {
    const main = await readFile(join(outDir, 'main.cjs'), 'utf8');
    const required = requiredModules(main);
    expect(required).toContain('electron');
    expect(required.filter((name) => name !== 'electron' && !name.startsWith('node:'))).toEqual([]);
  });

  it('writes the package.json Electron starts from, naming the app Bleep', async () => {
    const manifest = JSON.parse(await readFile(join(outDir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({ productName: 'Bleep', main: 'main.cjs' });
  });
});
