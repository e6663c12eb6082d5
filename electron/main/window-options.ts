// The main window's BrowserWindow options and the session's permission policy, built in
// one place so security-checklist.test.ts can check exactly what the app uses.
import type { BrowserWindowConstructorOptions } from 'electron';
import { PRODUCT_NAME } from './app-id.ts';
import { isAppUrl } from './app-origin.ts';
import { MIN_SIZE, type WindowBounds } from './window-state.ts';

export interface MainWindowOptionsInput {
  preloadPath: string;
  bounds: WindowBounds;
  /** DevTools only for unpackaged (development and test) runs. */
  isPackaged: boolean;
}

export function createMainWindowOptions(
  input: MainWindowOptionsInput,
): BrowserWindowConstructorOptions {
  return {
    ...input.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: PRODUCT_NAME,
    // Shown on ready-to-show, so the user never sees an empty white frame.
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
      devTools: !input.isPackaged,
    },
  };
}

/** The only permission a page may have; notifications are shown by main, but a page
 * asking for them is harmless. */
const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications']);

export interface SessionPolicy {
  /** For setPermissionRequestHandler and setPermissionCheckHandler. */
  isPermissionGranted(permission: string, requestingUrl: string): boolean;
}

export function createSessionPolicy(appOrigin: () => string): SessionPolicy {
  return {
    isPermissionGranted: (permission, requestingUrl) =>
      GRANTED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl, appOrigin()),
  };
}
