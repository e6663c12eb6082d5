// What the desktop's main process does to the page's traffic, for tests in Node: the page
// presents no token (SHELL_ATTACHED_AUTH), and on the way out each request and WebSocket
// upgrade gets the headers main's own decision gives it (electron/main/session-header.ts),
// as Electron's webRequest applies it.
import { WebSocket } from 'ws';
import { headersWithSession } from '../../electron/main/session-header.ts';

export interface DesktopShell {
  fetch: typeof globalThis.fetch;
  /** For the tRPC transport and y-websocket, which take a WebSocket class. */
  WebSocket: typeof globalThis.WebSocket;
}

export function desktopShell(serverUrl: string, token: () => string | null): DesktopShell {
  const headersFor = (url: string, method: string, requestHeaders: Record<string, string>) =>
    headersWithSession({ url, method, requestHeaders }, serverUrl, token());

  const shellFetch: typeof globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const own = Object.fromEntries(new Headers(init?.headers));
    return fetch(input, { ...init, headers: headersFor(url, init?.method ?? 'GET', own) });
  };

  class ShellWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: headersFor(String(address), 'GET', {}) });
    }
  }

  // `ws` implements the browser's WebSocket interface closely enough for both clients,
  // as every socket test here already relies on.
  return { fetch: shellFetch, WebSocket: ShellWebSocket as unknown as typeof globalThis.WebSocket };
}
