import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';

// Electron's module needs its binary; the test stands in a window that records what it was asked.
const made = vi.hoisted(() => [] as { options: unknown; contentProtection: boolean[]; shown: number }[]);
vi.mock('electron', () => ({
  BrowserWindow: class {
    readonly record: { options: unknown; contentProtection: boolean[]; shown: number };
    constructor(options: unknown) {
      this.record = { options, contentProtection: [], shown: 0 };
      made.push(this.record);
    }
    setContentProtection(enable: boolean): void {
      this.record.contentProtection.push(enable);
    }
    once(event: string, listener: () => void): void {
      if (event === 'ready-to-show') listener();
    }
    show(): void {
      this.record.shown += 1;
    }
  },
}));

const { createAppWindow } = await import('./appWindow.ts');

const input = { preloadPath: '/app/dist/shell/preload.cjs', partition: 'persist:bleep' };

function optionsOf(packaged: boolean): BrowserWindowConstructorOptions {
  made.length = 0;
  createAppWindow({ ...input, packaged });
  return made[0]?.options as BrowserWindowConstructorOptions;
}

describe('the app window', () => {
  it('isolates and sandboxes the page, without Node, with web security, without spell-check', () => {
    const preferences = optionsOf(true).webPreferences;
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
      disableBlinkFeatures: 'Auxclick',
    });
    expect(preferences).not.toHaveProperty('enableBlinkFeatures');
  });

  it('has no devtools in a packaged build; a development run has them', () => {
    expect(optionsOf(true).webPreferences?.devTools).toBe(false);
    expect(optionsOf(false).webPreferences?.devTools).toBe(true);
  });

  it('is protected from screen capture and shown only once the page is ready', () => {
    expect(optionsOf(true).show).toBe(false);
    expect(made[0]?.contentProtection).toEqual([true]);
    expect(made[0]?.shown).toBe(1);
  });
});
