// The signed-in session: the token through the platform bridge (safeStorage on desktop,
// localStorage in the browser) and the user object beside it, so a signed-in start
// with no network opens straight into the cached conversations.
import { z } from 'zod';
import type { UserView } from '../../../shared/model.ts';
import type { PlatformBridge } from '../../../shared/platform/bridge.ts';

const USER_KEY = 'timenest.user';

const storedUserSchema = z.object({
  userId: z.number().int().positive(),
  email: z.string(),
  displayName: z.string(),
});

export interface Session {
  token: string;
  user: UserView;
}

export interface SessionStore {
  load(): Promise<Session | null>;
  save(session: Session): Promise<void>;
  clear(): Promise<void>;
}

export function createSessionStore(bridge: PlatformBridge, storage: Storage): SessionStore {
  return {
    async load() {
      const token = await bridge.getToken();
      const raw = storage.getItem(USER_KEY);
      if (!token || !raw) return null;
      try {
        const user = storedUserSchema.safeParse(JSON.parse(raw));
        return user.success ? { token, user: user.data } : null;
      } catch {
        return null;
      }
    },
    async save(session) {
      await bridge.setToken(session.token);
      storage.setItem(USER_KEY, JSON.stringify(session.user));
    },
    async clear() {
      await bridge.clearToken();
      storage.removeItem(USER_KEY);
    },
  };
}
