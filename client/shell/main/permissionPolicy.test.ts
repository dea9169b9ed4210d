import { describe, expect, it } from 'vitest';
import { permissionGranted } from './permissionPolicy.ts';

describe('permissions the page is granted', () => {
  it('grants notifications to the app page (by URL or by origin)', () => {
    expect(permissionGranted('notifications', 'bleep://app/index.html')).toBe(true);
    expect(permissionGranted('notifications', 'bleep://app')).toBe(true);
  });

  it('refuses notifications to any other origin', () => {
    expect(permissionGranted('notifications', 'https://evil.example/')).toBe(false);
    expect(permissionGranted('notifications', 'bleep://other/')).toBe(false);
  });

  it.each([
    'media',
    'geolocation',
    'display-capture',
    'clipboard-read',
    'openExternal',
    'fullscreen',
    'hid',
    'usb',
    'serial',
    'midiSysex',
    'local-fonts',
    'persistent-storage',
    'some-permission-chromium-adds-next-year',
  ])('refuses %s even to the app page', (permission) => {
    expect(permissionGranted(permission, 'bleep://app/index.html')).toBe(false);
  });
});
