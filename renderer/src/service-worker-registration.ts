// Registers the service worker that keeps the app shell for offline starts. On the dev
// server nothing is precached, and the files of this first load were fetched before the
// worker existed: it is handed their addresses so a reload offline finds them too.
import { SHELL_FILES_MESSAGE } from './service-worker-messages.ts';

export function registerServiceWorker(win: Window, isDevServer: boolean): void {
  const { serviceWorker } = win.navigator;
  void serviceWorker.register('/sw.js', { type: 'module', scope: '/' }).catch(() => {});
  if (!isDevServer) return;
  void serviceWorker.ready.then((registration) => {
    const loaded = win.performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((url) => new URL(url).origin === win.location.origin);
    registration.active?.postMessage({ type: SHELL_FILES_MESSAGE, urls: loaded });
  });
}
