import { EventEmitter } from 'node:events';
import type { WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { guardWebContents } from './webContentsGuards.ts';

class FakeContents extends EventEmitter {
  openHandler: (() => unknown) | undefined;
  setWindowOpenHandler(handler: () => unknown): void {
    this.openHandler = handler;
  }
}

function navigationEvent(url: string) {
  const event = {
    url,
    prevented: false,
    preventDefault() {
      event.prevented = true;
    },
  };
  return event;
}

function guarded(): FakeContents {
  const contents = new FakeContents();
  // The guard reads only .on and .setWindowOpenHandler; the fake has exactly those.
  guardWebContents(contents as unknown as WebContents);
  return contents;
}

describe('guards on every web contents', () => {
  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])(
    'stops %s away from the app and lets the app pages through',
    (name) => {
      const contents = guarded();
      const away = navigationEvent('https://evil.example/');
      contents.emit(name, away, away.url);
      expect(away.prevented).toBe(true);
      const within = navigationEvent('bleep://app/index.html');
      contents.emit(name, within, within.url);
      expect(within.prevented).toBe(false);
    },
  );

  it('attaches no webview and opens no window', () => {
    const contents = guarded();
    const attach = navigationEvent('bleep://app/index.html');
    contents.emit('will-attach-webview', attach, {}, {});
    expect(attach.prevented).toBe(true);
    expect(contents.openHandler?.()).toEqual({ action: 'deny' });
  });
});
