// The signed-in session as the UI knows it: the platform signs in and out and keeps the
// token (safeStorage in the desktop's main process, localStorage in the browser); the UI
// keeps only the user beside it, so a signed-in start with no network opens straight into
// the cached conversations.
import { z } from 'zod';
import type { UserView } from '../../../shared/model.ts';
import type {
  CreateAccountArgs,
  PlatformBridge,
  SignInArgs,
  SignInResult,
} from '../../../shared/platform/bridge.ts';
import { ServerError } from '../server-client.ts';

const USER_KEY = 'timenest.user';

const storedUserSchema = z.object({
  userId: z.number().int().positive(),
  email: z.string(),
  displayName: z.string(),
});

/** Who is signed in on this device. The token is not here: the web page presents it
 * through the bridge (a ServerAuth); the desktop page never sees it. */
export interface Session {
  user: UserView;
}

export type SignInRequest =
  | ({ mode: 'sign-in' } & SignInArgs)
  | ({ mode: 'create-account' } & CreateAccountArgs);

export interface SessionStore {
  load(): Promise<Session | null>;
  /** Throws a ServerError saying why the server refused. */
  signIn(request: SignInRequest): Promise<Session>;
  signOut(): Promise<void>;
}

export function createSessionStore(bridge: PlatformBridge, storage: Storage): SessionStore {
  const accepted = (result: SignInResult): Session => {
    if (result.kind === 'refused') {
      const { code, message, fields } = result.failure;
      throw new ServerError(code, message, fields);
    }
    storage.setItem(USER_KEY, JSON.stringify(result.user));
    return { user: result.user };
  };

  return {
    async load() {
      const raw = storage.getItem(USER_KEY);
      if (!raw || !(await bridge.hasSession())) return null;
      try {
        const user = storedUserSchema.safeParse(JSON.parse(raw));
        return user.success ? { user: user.data } : null;
      } catch {
        return null;
      }
    },
    async signIn(request) {
      if (request.mode === 'sign-in') {
        const { email, password, deviceName } = request;
        return accepted(await bridge.signIn({ email, password, deviceName }));
      }
      const { email, password, displayName, deviceName } = request;
      return accepted(await bridge.createAccount({ email, password, displayName, deviceName }));
    },
    async signOut() {
      await bridge.signOut();
      storage.removeItem(USER_KEY);
    },
  };
}
