import { describe, expect, it } from 'vitest';
import { windowOptions } from './windowOptions.ts';

const input = { preloadPath: '/app/dist/shell/preload.cjs', partition: 'persist:bleep' };

describe('the window options', () => {
  it('isolates and sandboxes the page, without Node, with web security, without spell-check', () => {
    const preferences = windowOptions({ ...input, packaged: true }).webPreferences;
    expect(preferences).toMatchObject({
      preload: input.preloadPath,
      partition: 'persist:bleep',
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
    });
    expect(preferences).not.toHaveProperty('enableBlinkFeatures');
  });

  it('has no devtools in a packaged build; a development run has them', () => {
    expect(windowOptions({ ...input, packaged: true }).webPreferences?.devTools).toBe(false);
    expect(windowOptions({ ...input, packaged: false }).webPreferences?.devTools).toBe(true);
  });

  it('is not shown before the page is ready', () => {
    expect(windowOptions({ ...input, packaged: true }).show).toBe(false);
  });
});
