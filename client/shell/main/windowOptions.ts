// The one BrowserWindow's options. The page runs sandboxed, isolated from the preload, without Node, with web
// security, without spell-check (Chromium would download dictionaries and send words to the OS), without webviews or
// experimental features; devtools only in a development run, never in a packaged build.
import type { BrowserWindowConstructorOptions } from 'electron';

export type WindowOptionsInput = Readonly<{ preloadPath: string; packaged: boolean; partition: string }>;

export function windowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
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
  };
}
