// The one window. The page runs sandboxed, isolated from the preload, without Node, with web security, without
// spell-check (Chromium would download dictionaries and send words to the OS), without webviews, experimental
// features or middle-click navigation; devtools only in a development run, never in a packaged build. The options
// are written out in the constructor call so that electronegativity (electronegativity.test.ts) reads them.
import { BrowserWindow } from 'electron';

export type AppWindowInput = Readonly<{ preloadPath: string; packaged: boolean; partition: string }>;

export function createAppWindow(input: AppWindowInput): BrowserWindow {
  const appWindow = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    title: 'Bleep',
    // Shown once the page has painted, so no blank white window flashes at start.
    show: false,
    backgroundColor: '#f0f4f5',
    webPreferences: {
      preload: input.preloadPath,
      partition: input.partition,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
      devTools: !input.packaged,
    },
  });
  // Blank in screen captures and, where the OS allows (Windows, macOS), in the window switcher's thumbnail.
  appWindow.setContentProtection(true);
  appWindow.once('ready-to-show', () => {
    appWindow.show();
  });
  return appWindow;
}
