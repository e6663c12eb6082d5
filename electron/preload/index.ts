// The preload script: runs sandboxed, before the page, and exposes the bridge as
// window.timenest. Nothing else crosses into the page.
import { contextBridge, ipcRenderer } from 'electron';
import { createDesktopBridge } from './bridge.ts';

contextBridge.exposeInMainWorld('timenest', createDesktopBridge(ipcRenderer));
