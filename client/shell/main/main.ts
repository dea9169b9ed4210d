// The Electron main process: one instance, the bleep:// scheme registered before Electron is ready, every web
// contents guarded, then the shell started (startShell.ts) or, when it must not run, a clear error box and exit. No
// auto-updater and no crash reporter are started: nothing here talks to any server but the ones the page signs in to.
import { join } from 'node:path';
import { app, dialog, protocol } from 'electron';
import { appSchemePrivileges } from './appOrigin.ts';
import { startShell } from './startShell.ts';
import { StartupRefusal } from './startupRefusal.ts';
import { guardWebContents } from './webContentsGuards.ts';

// The bundle is dist/shell/main.cjs; the renderer's build is dist/renderer (the same layout inside a package).
const rendererDirectory = join(__dirname, '..', 'renderer');
const preloadPath = join(__dirname, 'preload.cjs');

function refuseToStart(error: unknown): void {
  const text =
    error instanceof StartupRefusal
      ? error.text
      : 'Bleep could not start because of an unexpected error. Please call trust IT.';
  console.error('bleep shell: refused to start', error instanceof StartupRefusal ? error.code : error);
  dialog.showErrorBox('Bleep cannot start', text);
  app.exit(1);
}

async function main(): Promise<void> {
  // A second copy would share the profile's IndexedDB with the first: it hands over to the running one and leaves.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([appSchemePrivileges]);
  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents);
  });
  await app.whenReady();
  try {
    await startShell({
      rendererDirectory,
      preloadPath,
      platform: process.platform,
      environment: process.env,
    });
  } catch (error) {
    refuseToStart(error);
  }
}

void main();
