/// <reference lib="dom" />
// The secrets' sealing key in the desktop app: its 32 bytes come from the shell (kept wrapped by Electron
// safeStorage, the OS keychain) through the preload's bridge, are imported at once as a non-extractable AES-256-GCM
// key and zeroed, so no script in the page can read them back out and nothing of them is written to the profile.
// The renderer passes it to createBrowserPlatform when window.bleepDesktop is there.
import type { DesktopBridge } from '../core/desktop/desktopBridge.ts';
import type { BrowserPlatformOptions } from './browserPlatform.ts';
import type { SecretSealingKey } from './secretSealingKey.ts';

const keyLength = 32;

/** The `sealingKey` option of createBrowserPlatform, from the shell's bridge. */
export function shellSealingKey(bridge: DesktopBridge): NonNullable<BrowserPlatformOptions['sealingKey']> {
  let key: Promise<CryptoKey> | undefined;
  const load = async (): Promise<CryptoKey> => {
    const bytes = await bridge.secretSealingKey();
    // WebCrypto takes its own copy of the key; both arrays are zeroed once it has.
    const copy = new Uint8Array(bytes.length);
    try {
      if (!(bytes instanceof Uint8Array) || bytes.length !== keyLength) {
        throw new Error('the shell gave a sealing key that is not 32 bytes');
      }
      copy.set(bytes);
      return await crypto.subtle.importKey('raw', copy, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
    } finally {
      copy.fill(0);
      if (bytes instanceof Uint8Array) bytes.fill(0);
    }
  };
  const sealingKey: SecretSealingKey = {
    get: async () => {
      key ??= load();
      try {
        return await key;
      } catch (error) {
        // Not kept: the next get() asks the shell again (it may have been a moment's IPC failure).
        key = undefined;
        throw error;
      }
    },
  };
  return () => sealingKey;
}
