// The bridge the page gets (core/desktop/desktopBridge.ts), built over the preload's ipcRenderer. Exactly the
// contract's two functions; what the main process answers is checked before the page sees it, and the page's
// listener is called with nothing (an IPC event would hand the page a way back to ipcRenderer). The sealing key's
// bytes are handed out once per page load: the renderer imports them at start (browser/shellSealingKey.ts), so a
// script injected later finds the raw key gone and cannot carry it off to open the profile after the session.
import type { DesktopBridge } from '../../core/desktop/desktopBridge.ts';
import { ipcChannels } from '../ipcChannels.ts';

export const sealingKeyLength = 32;

/** The part of Electron's ipcRenderer the bridge uses. */
export interface BridgeIpc {
  invoke(channel: string): Promise<unknown>;
  on(channel: string, listener: () => void): unknown;
  removeListener(channel: string, listener: () => void): unknown;
}

export class BridgeAnswerError extends Error {
  override readonly name = 'BridgeAnswerError';
}

export function createDesktopBridge(ipc: BridgeIpc): DesktopBridge {
  let keyAsked = false;
  return {
    async secretSealingKey() {
      // Claimed before the answer comes, so two calls at once cannot both have it; given back if no key came.
      if (keyAsked) throw new BridgeAnswerError('the sealing key was already handed out for this page');
      keyAsked = true;
      let answer: unknown;
      try {
        answer = await ipc.invoke(ipcChannels.secretSealingKey);
      } catch (error) {
        keyAsked = false;
        throw error;
      }
      if (!(answer instanceof Uint8Array) || answer.length !== sealingKeyLength) {
        keyAsked = false;
        throw new BridgeAnswerError('the shell did not answer with a 32-byte sealing key');
      }
      return answer;
    },
    onLockNow(listener) {
      if (typeof listener !== 'function') throw new TypeError('onLockNow needs a function');
      const relay = () => {
        listener();
      };
      ipc.on(ipcChannels.lockNow, relay);
      return () => {
        ipc.removeListener(ipcChannels.lockNow, relay);
      };
    },
  };
}
