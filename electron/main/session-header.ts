// The session token leaves the main process only as the Authorization header of requests
// to the configured server: main adds it on the way out (Electron's webRequest, which sees
// the page's fetches and its WebSocket upgrades), so the page never holds the token and
// nothing else is ever sent it (DESIGN §6; docs/desktop.md, "The session token").
import { serverOrigins } from './content-security-policy.ts';

/** The parts of a request on its way out that the decision reads. */
export interface OutgoingRequest {
  url: string;
  method: string;
  requestHeaders: Record<string, string>;
}

/** The part of Electron's session.webRequest this module uses. */
export interface WebRequestLike {
  onBeforeSendHeaders(
    filter: { urls: string[] },
    listener: (
      details: OutgoingRequest,
      callback: (response: { requestHeaders: Record<string, string> }) => void,
    ) => void,
  ): void;
}

/**
 * The webRequest filter: the server's host over http(s) and ws(s). Only a first sieve —
 * a match pattern cannot say "this port and no other" everywhere — so each request that
 * passes it is still checked on its parsed origin by `isServerRequest`.
 */
export function sessionHeaderFilter(serverUrl: string): { urls: string[] } {
  const { protocol, hostname } = new URL(serverUrl);
  const secure = protocol === 'https:';
  return {
    urls: [
      `${secure ? 'https' : 'http'}://${hostname}/*`,
      `${secure ? 'wss' : 'ws'}://${hostname}/*`,
    ],
  };
}

/** Whether a request goes to the configured server: its origin, compared whole on the
 * parsed URL (scheme, host and port), or the same origin over WebSocket. */
export function isServerRequest(url: string, serverUrl: string): boolean {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return false;
  }
  const [httpOrigin, wsOrigin] = serverOrigins(serverUrl);
  // URL gives ws: and wss: URLs a real origin, like http(s), so both compare alike.
  return origin === httpOrigin || origin === wsOrigin;
}

/** The headers a request leaves with: the page's own, plus the session for the server. */
export function headersWithSession(
  request: OutgoingRequest,
  serverUrl: string,
  token: string | null,
): Record<string, string> {
  const headers = request.requestHeaders;
  // A CORS preflight carries no credentials; the request it clears gets them.
  if (token === null || request.method === 'OPTIONS' || !isServerRequest(request.url, serverUrl)) {
    return headers;
  }
  // Ours replaces any the page set, whatever its letter case: there is one session.
  const others = Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization');
  return { ...Object.fromEntries(others), Authorization: `Bearer ${token}` };
}

export interface SessionHeaderOptions {
  serverUrl: string;
  currentToken: () => Promise<string | null>;
  log: (message: string) => void;
}

export function attachSessionHeader(webRequest: WebRequestLike, options: SessionHeaderOptions) {
  webRequest.onBeforeSendHeaders(sessionHeaderFilter(options.serverUrl), (details, callback) => {
    // Every request is answered exactly once, token or not: an unanswered one would hang.
    options.currentToken().then(
      (token) =>
        callback({ requestHeaders: headersWithSession(details, options.serverUrl, token) }),
      (error: unknown) => {
        options.log(
          `The session token could not be read: ${error instanceof Error ? error.message : String(error)}`,
        );
        callback({ requestHeaders: details.requestHeaders });
      },
    );
  });
}
