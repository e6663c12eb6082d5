// Where the window may go. Navigation stays on the app's own origin; new windows are
// never created; a link may leave the app only as an http(s) or mailto URL that
// shared/platform/external-link.ts lets out.
import { safeExternalHref } from '../../shared/platform/external-link.ts';
import { isAppUrl } from './app-origin.ts';

export function isNavigationAllowed(url: string, appOrigin: string): boolean {
  return isAppUrl(url, appOrigin);
}

/** The URL to hand to shell.openExternal, or null when it must not leave the app. */
export function externalUrlToOpen(url: string): string | null {
  return safeExternalHref(url);
}

export interface WindowOpenDecision {
  action: 'deny';
  /** Set when the link should open in the system browser instead. */
  openExternally: string | null;
}

/** setWindowOpenHandler: the app has one window, so every request is denied; a link to
 * the web goes to the browser, a link to the app's own pages goes nowhere. */
export function decideWindowOpen(url: string, appOrigin: string): WindowOpenDecision {
  if (isAppUrl(url, appOrigin)) return { action: 'deny', openExternally: null };
  return { action: 'deny', openExternally: externalUrlToOpen(url) };
}
