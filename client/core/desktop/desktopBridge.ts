// What the desktop shell's preload gives the renderer, as `window.bleepDesktop` (Electron contextBridge): the whole
// surface between the page and the main process. A plain browser has none, and the renderer runs without it. Data
// only crosses it: no Node object, no Electron object, no function that reaches the filesystem.
export interface DesktopBridge {
  /**
   * The 32 bytes of the key that seals this desktop's secrets (browser/secretSealingKey.ts). The shell keeps them
   * wrapped with Electron safeStorage (the operating system's keychain) and unwraps them for this page; the same
   * bytes on every start. The renderer imports them at once as a non-extractable key and drops the array.
   */
  secretSealingKey(): Promise<Uint8Array>;
  /** Calls back when the desktop must lock now (the screen was locked, or the machine is suspending). */
  onLockNow(listener: () => void): () => void;
}

/** The name the shell exposes the bridge under on the renderer's window. */
export const desktopBridgeName = 'bleepDesktop';
