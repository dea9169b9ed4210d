import { describe, expect, it } from 'vitest';
import { desktopManifest } from './desktopManifest.ts';

describe('the desktop package.json', () => {
  it('names the app Bleep (its profile folder) and starts main.cjs', () => {
    expect(desktopManifest('1.2.3')).toEqual({
      name: 'bleep-desktop',
      productName: 'Bleep',
      version: '1.2.3',
      private: true,
      main: 'main.cjs',
    });
  });
});
