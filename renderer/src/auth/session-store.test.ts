import { describe, expect, it } from 'vitest';
import type { PlatformBridge, SignInArgs, SignInResult } from '../../../shared/platform/bridge.ts';
import { ServerError } from '../server-client.ts';
import { recordingBridge } from '../test-support/app-harness.tsx';
import { createSessionStore } from './session-store.ts';

const USER = { userId: 7, email: 'me@test.local', displayName: 'Me' };
const SIGN_IN = {
  mode: 'sign-in' as const,
  email: 'me@test.local',
  password: 'secret-pass',
  deviceName: 'Laptop',
};

function memoryStorage(): Storage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => items.delete(key),
    setItem: (key, value) => items.set(key, value),
  };
}

/** A platform that answers sign-ins as told and keeps a session once one succeeded. */
function platform(answer: SignInResult) {
  let isSignedIn = false;
  const asked: SignInArgs[] = [];
  const bridge: PlatformBridge = {
    ...recordingBridge(),
    hasSession: async () => isSignedIn,
    signIn: async (credentials) => {
      asked.push(credentials);
      isSignedIn = answer.kind === 'signed-in';
      return answer;
    },
    signOut: async () => {
      isSignedIn = false;
    },
  };
  /** As a restart on a device without a keyring leaves it: no session kept. */
  const forgetSession = () => {
    isSignedIn = false;
  };
  return { bridge, asked, forgetSession };
}

describe('[§6] the UI’s session: the platform keeps the token, the page keeps who signed in', () => {
  it('signs in through the platform and keeps only the user, no token, in the page’s storage', async () => {
    const { bridge, asked } = platform({ kind: 'signed-in', user: USER });
    const storage = memoryStorage();
    const sessions = createSessionStore(bridge, storage);
    expect(await sessions.signIn(SIGN_IN)).toEqual({ user: USER });
    expect(asked).toEqual([
      { email: SIGN_IN.email, password: SIGN_IN.password, deviceName: SIGN_IN.deviceName },
    ]);
    expect([...storage.items.keys()]).toEqual(['timenest.user']);
    expect(await createSessionStore(bridge, storage).load()).toEqual({ user: USER });
  });

  it('turns a refusal into a ServerError with the server’s code and fields', async () => {
    const failure = {
      code: 'VALIDATION_FAILED' as const,
      message: 'invalid input',
      fields: { email: ['Invalid email'] },
    };
    const { bridge } = platform({ kind: 'refused', failure });
    const storage = memoryStorage();
    const refused = await createSessionStore(bridge, storage)
      .signIn(SIGN_IN)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ServerError);
    expect(refused).toMatchObject({ code: 'VALIDATION_FAILED', fields: failure.fields });
    expect(storage.items.size).toBe(0);
  });

  it('opens no stored user once the platform has no session (a restart without a keyring)', async () => {
    const { bridge, forgetSession } = platform({ kind: 'signed-in', user: USER });
    const storage = memoryStorage();
    await createSessionStore(bridge, storage).signIn(SIGN_IN);
    forgetSession();
    expect(await createSessionStore(bridge, storage).load()).toBeNull();
  });

  it('signs out through the platform and forgets the user', async () => {
    const { bridge } = platform({ kind: 'signed-in', user: USER });
    const storage = memoryStorage();
    const sessions = createSessionStore(bridge, storage);
    await sessions.signIn(SIGN_IN);
    await sessions.signOut();
    expect(storage.items.size).toBe(0);
    expect(await sessions.load()).toBeNull();
  });
});
