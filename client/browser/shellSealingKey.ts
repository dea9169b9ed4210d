/// <reference lib="dom" />
// The secrets' sealing key in the desktop app: its 32 bytes come from the shell (kept wrapped by Electron
// safeStorage, the OS keychain) through the preload's bridge, are imported at once as a non-extractable AES-256-GCM
// key and zeroed, so no script in the page can read them back out and nothing of them is written to the profile.
// The renderer passes it to createBrowserPlatform when window.bleepDesktop is there. The bridge hands the bytes out
// once per page load, so the imported key is kept per bridge: a platform made again (after a sign-out, or twice in
// React's strict mode) uses the same key without asking again.
import type { DesktopBridge } from '../core/desktop/desktopBridge.ts';
import type { BrowserPlatformOptions } from './browserPlatform.ts';
import type { SecretSealingKey } from './secretSealingKey.ts';

const keyLength = 32;
const importedKeys = new WeakMap<DesktopBridge, Promise<CryptoKey>>();

async function importShellKey(bridge: DesktopBridge): Promise<CryptoKey> {
  const bytes: unknown = await bridge.secretSealingKey();
  if (!(bytes instanceof Uint8Array) || bytes.length !== keyLength) {
    if (bytes instanceof Uint8Array) bytes.fill(0);
    throw new Error('the shell gave a sealing key that is not 32 bytes');
  }
  // WebCrypto takes its own copy of the key; both arrays are zeroed once it has.
  const copy = new Uint8Array(bytes);
  try {
    return await crypto.subtle.importKey('raw', copy, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  } finally {
    copy.fill(0);
    bytes.fill(0);
  }
}

async function keyFrom(bridge: DesktopBridge): Promise<CryptoKey> {
  let key = importedKeys.get(bridge);
  if (key === undefined) {
    key = importShellKey(bridge);
    importedKeys.set(bridge, key);
  }
  try {
    return await key;
  } catch (error) {
    // Not kept: the next get() asks the shell again (it may have been a moment's IPC failure).
    if (importedKeys.get(bridge) === key) importedKeys.delete(bridge);
    throw error;
  }
}

/** The `sealingKey` option of createBrowserPlatform, from the shell's bridge (window.bleepDesktop). */
export function shellSealingKey(bridge: DesktopBridge): NonNullable<BrowserPlatformOptions['sealingKey']> {
  const sealingKey: SecretSealingKey = { get: () => keyFrom(bridge) };
  return () => sealingKey;
}
