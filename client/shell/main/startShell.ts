// The shell's start once Electron is ready: the sealing key (refusing to start when the OS keychain cannot protect
// it), the app's session (its partition, the bleep://app files with their CSP, permissions, no spell-check), the key
// for the app's page over IPC, the window, and lock on OS lock or suspend. Each decision is a module beside this one;
// this wires them to Electron. Throws a StartupRefusal when the shell must not run.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, ipcMain, powerMonitor, safeStorage, session, type BrowserWindow } from 'electron';
import { ipcChannels } from '../ipcChannels.ts';
import { appEntryUrl, appScheme } from './appOrigin.ts';
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

export type ShellStartInput = Readonly<{
  rendererDirectory: string;
  preloadPath: string;
  platform: string;
  environment: Readonly<Record<string, string | undefined>>;
}>;

// One fixed, persistent partition: the page's IndexedDB (secrets, archive, crypto store) lives here. No HTTP cache:
// the gateway's answers are not kept on disk beside the sealed archive.
export const appPartition = 'persist:bleep';
// Spell-check is off; should Chromium still look for dictionaries, it finds no server (loopback, a closed port).
export const noDictionaries = 'http://127.0.0.1:9/';

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

export async function startShell(input: ShellStartInput): Promise<BrowserWindow> {
  const refusal = keyProtectionRefusal(safeStorage, input.platform);
  if (refusal !== undefined) throw refusal;
  const sealingKey = await loadSealingKey({
    wrapper: safeStorage,
    file: sealingKeyFile(app.getPath('userData')),
    randomBytes: (length) => new Uint8Array(randomBytes(length)),
  });
  if ((await readRendererFile(join(input.rendererDirectory, 'index.html'))) === undefined) {
    throw new StartupRefusal('renderer-missing', input.rendererDirectory);
  }

  const appSession = session.fromPartition(appPartition, { cache: false });
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
      rendererDirectory: input.rendererDirectory,
      readFile: readRendererFile,
      contentSecurityPolicy: contentSecurityPolicy({
        allowLoopbackHttp: runsAgainstLocalStack(input.environment, app.isPackaged),
      }),
    }),
  );

  ipcMain.handle(ipcChannels.secretSealingKey, (event) => {
    if (!isAppTopFrame(event.senderFrame)) throw new Error('the sealing key is only for the app page');
    return new Uint8Array(sealingKey);
  });

  const appWindow = createAppWindow({
    preloadPath: input.preloadPath,
    packaged: app.isPackaged,
    partition: appPartition,
  });
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
  return appWindow;
}
