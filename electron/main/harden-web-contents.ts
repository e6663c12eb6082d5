// Applies the navigation, new-window and webview policies to every web contents the
// app creates (registered on app 'web-contents-created', so none is missed).
import type { WebContents } from 'electron';
import { decideWindowOpen, externalUrlToOpen, isNavigationAllowed } from './navigation-policy.ts';

export function hardenWebContents(
  contents: WebContents,
  appOrigin: () => string,
  openExternal: (url: string) => void,
): void {
  const guard = (event: { url: string; preventDefault(): void }) => {
    if (isNavigationAllowed(event.url, appOrigin())) return;
    event.preventDefault();
    // A plain link in a message navigates the page; send it to the browser instead.
    const external = externalUrlToOpen(event.url);
    if (external !== null) openExternal(external);
  };
  contents.on('will-navigate', guard);
  contents.on('will-frame-navigate', guard);
  contents.on('will-redirect', guard);
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url, appOrigin());
    if (decision.openExternally !== null) openExternal(decision.openExternally);
    return { action: decision.action };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
