// How a request to the server proves the session, as the renderer's transports see it.
// The web build holds the token and presents it itself. The desktop page never holds it:
// its main process adds it to every request to the server's origin on the way out
// (electron/main/session-header.ts, docs/desktop.md "The session token"). Transports take
// a ServerAuth and never ask which one they have; the platform bridge is one.

export interface ServerAuth {
  /** Headers to add to an HTTP request to the server. */
  authHeaders(): Record<string, string>;
  /** What a WebSocket to the server carries in its URL or first message instead: a
   * browser's WebSocket cannot send headers. */
  socketAuthParams(): Record<string, string>;
}

/** The page presents the token it reads: the web build (and Node tests). */
export function tokenAuth(readToken: () => string | null): ServerAuth {
  return {
    authHeaders(): Record<string, string> {
      const token = readToken();
      return token === null ? {} : { authorization: `Bearer ${token}` };
    },
    socketAuthParams(): Record<string, string> {
      const token = readToken();
      return token === null ? {} : { token };
    },
  };
}

export function bearerAuth(token: string): ServerAuth {
  return tokenAuth(() => token);
}

/** The page presents nothing: the desktop shell adds the token to what leaves for the
 * server, and never to anything else. */
export const SHELL_ATTACHED_AUTH: ServerAuth = Object.freeze({
  authHeaders: (): Record<string, string> => ({}),
  socketAuthParams: (): Record<string, string> => ({}),
});
