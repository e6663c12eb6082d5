// Applies the navigation, new-window and webview policies to every web contents the
// app creates (registered on app 'web-contents-created', so none is missed).
import { decideWindowOpen, externalUrlToOpen, isNavigationAllowed } from './navigation-policy.ts';

export interface NavigationEvent {
  readonly url: string;
  preventDefault(): void;
}

export interface FrameNavigationEvent extends NavigationEvent {
  readonly isMainFrame: boolean;
}

/** The parts of Electron's WebContents the policies attach to. */
export interface HardenableContents {
  on(event: 'will-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-frame-navigate', listener: (event: FrameNavigationEvent) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export function hardenWebContents(
  contents: HardenableContents,
  appOrigin: () => string,
  openExternal: (url: string) => void,
): void {
  const deny = (event: NavigationEvent): boolean => {
    if (isNavigationAllowed(event.url, appOrigin())) return false;
    event.preventDefault();
    return true;
  };
  contents.on('will-navigate', (event) => {
    // A plain link in a message navigates the page; send it to the browser instead.
    if (!deny(event)) return;
    const external = externalUrlToOpen(event.url);
    if (external !== null) openExternal(external);
  });
  // Main-frame navigations also arrive here; will-navigate has handled those already.
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) deny(event);
  });
  contents.on('will-redirect', (event) => {
    deny(event);
  });
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url, appOrigin());
    if (decision.openExternally !== null) openExternal(decision.openExternally);
    return { action: decision.action };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
