// Signing in, creating an account and signing out, the one way both platforms do it: the
// platform calls the server, keeps the token in its own store and tells the renderer only
// who signed in. The desktop's main process runs this with net.fetch and the safeStorage
// store (electron/main/token-store.ts), so the token never reaches the page; the browser
// bridge runs it with the page's fetch and localStorage.
import { z } from 'zod';
import { callServer, type FetchLike, type ServerFailure } from '../server-call.ts';
import {
  type CreateAccountArgs,
  type SessionUser,
  type SignInArgs,
  type SignInResult,
  sessionUserSchema,
  tokenSchema,
} from './bridge-schemas.ts';

/** Where a platform keeps the session token. */
export interface TokenKeeper {
  get(): Promise<string | null>;
  set(token: string): Promise<void>;
  clear(): Promise<void>;
}

export interface AccountSessionsOptions {
  fetch: FetchLike;
  serverUrl: string;
  tokens: TokenKeeper;
}

export interface AccountSessions {
  /** Whether a token is kept: a start without network opens the cached conversations. */
  hasSession(): Promise<boolean>;
  signIn(args: SignInArgs): Promise<SignInResult>;
  createAccount(args: CreateAccountArgs): Promise<SignInResult>;
  /** Ends the session on the server when it can be reached, and forgets the token either
   * way: offline, the server's session simply expires later. */
  signOut(): Promise<void>;
}

// What the server answers to auth.login and auth.register. The user's other fields (if a
// newer server sends more) are not passed on.
const signedInAnswerSchema = z.object({
  token: tokenSchema,
  user: z.object({
    userId: sessionUserSchema.shape.userId,
    email: sessionUserSchema.shape.email,
    displayName: sessionUserSchema.shape.displayName,
  }),
});

const UNREADABLE: ServerFailure = {
  code: 'INTERNAL',
  message: 'The server sent an answer this app cannot read.',
};

export function createAccountSessions(options: AccountSessionsOptions): AccountSessions {
  const { fetch, serverUrl, tokens } = options;

  async function open(
    path: 'auth.login' | 'auth.register',
    input: SignInArgs | CreateAccountArgs,
  ): Promise<SignInResult> {
    const answer = await callServer(fetch, serverUrl, { kind: 'mutation', path, input });
    if (!answer.ok) return refused(answer.failure);
    const signedIn = signedInAnswerSchema.safeParse(answer.data);
    if (!signedIn.success) return refused(UNREADABLE);
    await tokens.set(signedIn.data.token);
    const user: SessionUser = signedIn.data.user;
    return { kind: 'signed-in', user };
  }

  return {
    async hasSession() {
      return (await tokens.get()) !== null;
    },
    signIn: (args) => open('auth.login', args),
    createAccount: (args) => open('auth.register', args),
    async signOut() {
      const token = await tokens.get();
      if (token !== null) {
        await callServer(fetch, serverUrl, {
          kind: 'mutation',
          path: 'auth.logout',
          headers: { authorization: `Bearer ${token}` },
        });
      }
      await tokens.clear();
    },
  };
}

function refused(failure: ServerFailure): SignInResult {
  return { kind: 'refused', failure };
}
