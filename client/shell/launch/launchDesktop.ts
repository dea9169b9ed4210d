// `npm run desktop`: after the renderer and the shell are built, makes sure the Electron binary is here (running
// electron's own install.js, which downloads it, when it is not), then starts Electron on client/dist/shell against
// the local stack and exits with its exit code.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { desktopEnvironment } from './desktopEnvironment.ts';
import { installedElectron, type BinaryFiles } from './electronBinary.ts';

const clientDirectory = fileURLToPath(new URL('../../', import.meta.url));
const shellBuild = join(clientDirectory, 'dist', 'shell');
const rendererBuild = join(clientDirectory, 'dist', 'renderer');

const files: BinaryFiles = {
  exists: existsSync,
  readText: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined),
};

function fail(message: string): never {
  console.error(`npm run desktop: ${message}`);
  process.exit(1);
}

function electronExecutable(): string {
  const electronDirectory = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const installed = installedElectron(electronDirectory, files);
  if (installed !== undefined) return installed;
  console.log(
    'npm run desktop: the Electron binary is not here; downloading it (node node_modules/electron/install.js)',
  );
  const install = spawnSync(process.execPath, [join(electronDirectory, 'install.js')], { stdio: 'inherit' });
  const downloaded = install.status === 0 ? installedElectron(electronDirectory, files) : undefined;
  return (
    downloaded ?? fail('the Electron binary could not be downloaded (this machine may not reach GitHub)')
  );
}

if (!existsSync(join(rendererBuild, 'index.html'))) fail(`no renderer build in ${rendererBuild}`);
if (!existsSync(join(shellBuild, 'main.cjs'))) fail(`no shell build in ${shellBuild}`);
const electron = spawn(electronExecutable(), [shellBuild], {
  stdio: 'inherit',
  env: desktopEnvironment(process.env),
});
electron.on('exit', (code, signal) => {
  process.exit(code ?? (signal === null ? 0 : 1));
});
