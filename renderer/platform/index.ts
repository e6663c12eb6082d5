// Picks the platform bridge: the one the desktop preload exposes as `window.timenest`,
// else the browser implementation. Components receive the bridge; none of them asks
// which platform it is.
import type { PlatformBridge } from '../../shared/platform/bridge.ts';
import { type BrowserWindow, createWebBridge, type WebBridgeOptions } from './web.ts';

declare global {
  interface Window {
    timenest?: PlatformBridge;
  }
}

export type { PlatformBridge } from '../../shared/platform/bridge.ts';

export function pickPlatformBridge(win: BrowserWindow, options: WebBridgeOptions): PlatformBridge {
  return win.timenest ?? createWebBridge(win, options);
}
