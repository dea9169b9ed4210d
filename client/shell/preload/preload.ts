// The preload: gives the page window.bleepDesktop and nothing else. It runs sandboxed (only 'electron' may be
// required), so the build bundles it with what it imports into one CommonJS file (dist/shell/preload.cjs).
import { contextBridge, ipcRenderer } from 'electron';
import { desktopBridgeName } from '../../core/desktop/desktopBridge.ts';
import { createDesktopBridge } from './desktopBridgeClient.ts';

contextBridge.exposeInMainWorld(desktopBridgeName, createDesktopBridge(ipcRenderer));
