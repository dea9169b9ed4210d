// The bridge the page gets (core/desktop/desktopBridge.ts), built over the preload's ipcRenderer. Exactly the
// contract's two functions; what the main process answers is checked before the page sees it, and the page's
// listener is called with nothing (an IPC event would hand the page a way back to ipcRenderer).
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
  return {
    async secretSealingKey() {
      const answer = await ipc.invoke(ipcChannels.secretSealingKey);
      if (!(answer instanceof Uint8Array) || answer.length !== sealingKeyLength) {
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
