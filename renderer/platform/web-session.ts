// The browser's session: the page signs in itself (the shared account-session rules) and
// keeps the token in localStorage, from where it presents it on every request to the
// server. The desktop keeps the token in its main process instead.
import {
  type AccountSessions,
  createAccountSessions,
} from '../../shared/platform/account-session.ts';
import { type ServerAuth, tokenAuth } from '../../shared/platform/server-auth.ts';

const TOKEN_KEY = 'timenest.token';

export interface WebSession {
  sessions: AccountSessions;
  serverAuth: ServerAuth;
}

export function createWebSession(
  win: Pick<Window, 'fetch' | 'localStorage'>,
  serverUrl: string,
): WebSession {
  const storage = win.localStorage;
  return {
    sessions: createAccountSessions({
      fetch: (url, init) => win.fetch(url, init),
      serverUrl,
      tokens: {
        get: async () => storage.getItem(TOKEN_KEY),
        set: async (token) => storage.setItem(TOKEN_KEY, token),
        clear: async () => storage.removeItem(TOKEN_KEY),
      },
    }),
    // Read at each request: another tab may have signed in or out since.
    serverAuth: tokenAuth(() => storage.getItem(TOKEN_KEY)),
  };
}
