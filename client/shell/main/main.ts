// The Electron main process: wires the shell's decisions, each a small module beside this one, to Electron. One
// window, sandboxed and isolated, showing the renderer from bleep://app; the secrets' sealing key unwrapped from
// safeStorage and given only to that page; a lock when the OS locks or sleeps; one instance. No auto-updater and no
// crash reporter are started (nothing here talks to any server but the ones the page signs in to).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, dialog, ipcMain, powerMonitor, protocol, safeStorage, session } from 'electron';
import { ipcChannels } from '../ipcChannels.ts';
import { appEntryUrl, appScheme, appSchemePrivileges } from './appOrigin.ts';
import { createAppWindow } from './appWindow.ts';
import { contentSecurityPolicy } from './contentSecurityPolicy.ts';
import { isAppTopFrame } from './ipcSender.ts';
import { keyProtectionRefusal } from './keyProtection.ts';
import { runsAgainstLocalStack } from './localStack.ts';
import { lockOnSystemEvents } from './lockTriggers.ts';
import { permissionGranted } from './permissionPolicy.ts';
import { rendererProtocolHandler } from './rendererProtocol.ts';
import { sealingKeyFile } from './sealingKeyFile.ts';
import { loadSealingKey } from './sealingKeyVault.ts';
import { StartupRefusal } from './startupRefusal.ts';
import { guardWebContents } from './webContentsGuards.ts';

// The bundle is dist/shell/main.cjs; the renderer's build is dist/renderer (the same layout inside a package).
const rendererDirectory = join(__dirname, '..', 'renderer');
const preloadPath = join(__dirname, 'preload.cjs');
// One fixed, persistent partition: the page's IndexedDB (secrets, archive, crypto store) lives here. No HTTP cache:
// the gateway's answers are not kept on disk beside the sealed archive.
const partition = 'persist:bleep';
// Spell-check is off; should Chromium still look for dictionaries, it finds no server (loopback, a closed port).
const noDictionaries = 'http://127.0.0.1:9/';

async function readRendererFile(path: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if (error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'EISDIR')) {
      return undefined;
    }
    throw error;
  }
}

function refuseToStart(error: unknown): void {
  const text =
    error instanceof StartupRefusal
      ? error.text
      : 'Bleep could not start because of an unexpected error. Please call trust IT.';
  console.error('bleep shell: refused to start', error instanceof StartupRefusal ? error.code : error);
  dialog.showErrorBox('Bleep cannot start', text);
  app.exit(1);
}

async function start(): Promise<void> {
  const refusal = keyProtectionRefusal(safeStorage, process.platform);
  if (refusal !== undefined) throw refusal;
  const sealingKey = await loadSealingKey({
    wrapper: safeStorage,
    file: sealingKeyFile(app.getPath('userData')),
    randomBytes: (length) => new Uint8Array(randomBytes(length)),
  });
  if ((await readRendererFile(join(rendererDirectory, 'index.html'))) === undefined) {
    throw new StartupRefusal('renderer-missing', rendererDirectory);
  }

  const appSession = session.fromPartition(partition, { cache: false });
  appSession.setSpellCheckerEnabled(false);
  appSession.setSpellCheckerDictionaryDownloadURL(noDictionaries);
  appSession.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permissionGranted(permission, details.requestingUrl));
  });
  appSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    permissionGranted(permission, requestingOrigin),
  );
  appSession.setDevicePermissionHandler(() => false);
  appSession.protocol.handle(
    appScheme,
    rendererProtocolHandler({
      rendererDirectory,
      readFile: readRendererFile,
      contentSecurityPolicy: contentSecurityPolicy({
        allowLoopbackHttp: runsAgainstLocalStack(process.env, app.isPackaged),
      }),
    }),
  );

  ipcMain.handle(ipcChannels.secretSealingKey, (event) => {
    if (!isAppTopFrame(event.senderFrame)) throw new Error('the sealing key is only for the app page');
    return new Uint8Array(sealingKey);
  });

  const appWindow = createAppWindow({ preloadPath, packaged: app.isPackaged, partition });
  lockOnSystemEvents(powerMonitor, () => {
    if (!appWindow.isDestroyed()) appWindow.webContents.send(ipcChannels.lockNow);
  });
  app.on('second-instance', () => {
    if (appWindow.isMinimized()) appWindow.restore();
    appWindow.focus();
  });
  app.on('window-all-closed', () => {
    app.quit();
  });
  await appWindow.loadURL(appEntryUrl);
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
    await start();
  } catch (error) {
    refuseToStart(error);
  }
}

void main();
