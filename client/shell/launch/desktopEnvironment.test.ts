import { describe, expect, it } from 'vitest';
import { desktopEnvironment } from './desktopEnvironment.ts';

describe('the environment npm run desktop starts Electron with', () => {
  it('points the shell at the local stack and keeps the rest', () => {
    expect(desktopEnvironment({ PATH: '/usr/bin', DISPLAY: ':0' })).toEqual({
      PATH: '/usr/bin',
      DISPLAY: ':0',
      BLEEP_DESKTOP_LOCAL_STACK: '1',
    });
  });

  it('never starts Electron as plain Node, nor with Node options from the parent shell', () => {
    const environment = desktopEnvironment({
      ELECTRON_RUN_AS_NODE: '1',
      NODE_OPTIONS: '--inspect',
      PATH: '/usr/bin',
    });
    expect(environment).not.toHaveProperty('ELECTRON_RUN_AS_NODE');
    expect(environment).not.toHaveProperty('NODE_OPTIONS');
  });
});
