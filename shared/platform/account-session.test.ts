import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../server-call.ts';
import { createAccountSessions, type TokenKeeper } from './account-session.ts';

const SERVER = 'http://server.test';
const USER = { userId: 7, email: 'me@test.local', displayName: 'Me' };
const CREDENTIALS = { email: 'me@test.local', password: 'secret-pass', deviceName: 'Laptop' };

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

type Answer = { status: number; body: unknown } | 'unreachable';

/** A server that answers each procedure as told, recording what was sent. */
function fakeServer(answers: Record<string, Answer>) {
  const sent: Sent[] = [];
  const fetch: FetchLike = async (url, init) => {
    sent.push({
      url,
      method: init.method,
      headers: init.headers,
      body: init.body === undefined ? undefined : JSON.parse(init.body),
    });
    const answer = answers[url.slice(`${SERVER}/trpc/`.length)];
    if (answer === undefined || answer === 'unreachable') throw new TypeError('fetch failed');
    return { ok: answer.status < 400, status: answer.status, json: async () => answer.body };
  };
  return { fetch, sent };
}

function memoryTokens(initial: string | null = null): TokenKeeper & { held(): string | null } {
  let token = initial;
  return {
    held: () => token,
    get: async () => token,
    set: async (next) => {
      token = next;
    },
    clear: async () => {
      token = null;
    },
  };
}

const signedIn = { status: 200, body: { result: { data: { token: 'tok-1', user: USER } } } };
const trpcError = (status: number, code: string, appCode: string, fields?: object) => ({
  status,
  body: { error: { message: 'refused', code: -32600, data: { code, appCode, fields } } },
});

describe('[§6] signing in through the platform, which keeps the token', () => {
  it('signs in at the server, keeps the token and answers only who signed in', async () => {
    const server = fakeServer({ 'auth.login': signedIn });
    const tokens = memoryTokens();
    const sessions = createAccountSessions({ fetch: server.fetch, serverUrl: SERVER, tokens });
    const result = await sessions.signIn(CREDENTIALS);
    expect(result).toEqual({ kind: 'signed-in', user: USER });
    expect(JSON.stringify(result)).not.toContain('tok-1');
    expect(tokens.held()).toBe('tok-1');
    expect(await sessions.hasSession()).toBe(true);
    expect(server.sent).toEqual([
      {
        url: `${SERVER}/trpc/auth.login`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: CREDENTIALS,
      },
    ]);
  });

  it('passes on no field of the server’s user beyond who they are', async () => {
    const extra = { ...USER, passwordHash: 'x', token: 'second' };
    const server = fakeServer({
      'auth.login': { status: 200, body: { result: { data: { token: 'tok-1', user: extra } } } },
    });
    const sessions = createAccountSessions({
      fetch: server.fetch,
      serverUrl: SERVER,
      tokens: memoryTokens(),
    });
    expect(await sessions.signIn(CREDENTIALS)).toEqual({ kind: 'signed-in', user: USER });
  });

  it('creates an account at auth.register and keeps its token the same way', async () => {
    const server = fakeServer({ 'auth.register': signedIn });
    const tokens = memoryTokens();
    const sessions = createAccountSessions({ fetch: server.fetch, serverUrl: SERVER, tokens });
    const account = { ...CREDENTIALS, displayName: 'Me' };
    expect(await sessions.createAccount(account)).toEqual({ kind: 'signed-in', user: USER });
    expect(server.sent[0]).toMatchObject({ url: `${SERVER}/trpc/auth.register`, body: account });
    expect(tokens.held()).toBe('tok-1');
  });

  it('says why the server refused, with the fields it named, and keeps nothing', async () => {
    const server = fakeServer({
      'auth.register': trpcError(400, 'BAD_REQUEST', 'VALIDATION_FAILED', {
        email: ['Invalid email'],
      }),
    });
    const tokens = memoryTokens();
    const sessions = createAccountSessions({ fetch: server.fetch, serverUrl: SERVER, tokens });
    expect(await sessions.createAccount({ ...CREDENTIALS, displayName: 'Me' })).toEqual({
      kind: 'refused',
      failure: {
        code: 'VALIDATION_FAILED',
        message: 'refused',
        fields: { email: ['Invalid email'] },
      },
    });
    expect(tokens.held()).toBeNull();
  });

  it('reads a wrong password as UNAUTHENTICATED from its code, not its text', async () => {
    const server = fakeServer({ 'auth.login': trpcError(401, 'UNAUTHORIZED', 'UNAUTHENTICATED') });
    const sessions = createAccountSessions({
      fetch: server.fetch,
      serverUrl: SERVER,
      tokens: memoryTokens(),
    });
    expect(await sessions.signIn(CREDENTIALS)).toMatchObject({
      kind: 'refused',
      failure: { code: 'UNAUTHENTICATED' },
    });
  });

  it('answers UNAVAILABLE when the server cannot be reached', async () => {
    const server = fakeServer({ 'auth.login': 'unreachable' });
    const sessions = createAccountSessions({
      fetch: server.fetch,
      serverUrl: SERVER,
      tokens: memoryTokens(),
    });
    expect(await sessions.signIn(CREDENTIALS)).toMatchObject({
      kind: 'refused',
      failure: { code: 'UNAVAILABLE' },
    });
  });

  it('keeps nothing from a success answer it cannot read', async () => {
    const server = fakeServer({
      'auth.login': { status: 200, body: { result: { data: { user: USER } } } },
    });
    const tokens = memoryTokens();
    const sessions = createAccountSessions({ fetch: server.fetch, serverUrl: SERVER, tokens });
    expect(await sessions.signIn(CREDENTIALS)).toMatchObject({
      kind: 'refused',
      failure: { code: 'INTERNAL' },
    });
    expect(tokens.held()).toBeNull();
  });
});

describe('[§6] signing out through the platform', () => {
  it('ends the session on the server with the kept token, then forgets it', async () => {
    const server = fakeServer({ 'auth.logout': { status: 200, body: { result: { data: {} } } } });
    const tokens = memoryTokens('tok-1');
    const sessions = createAccountSessions({ fetch: server.fetch, serverUrl: SERVER, tokens });
    await sessions.signOut();
    expect(server.sent).toEqual([
      {
        url: `${SERVER}/trpc/auth.logout`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer tok-1' },
        body: undefined,
      },
    ]);
    expect(tokens.held()).toBeNull();
    expect(await sessions.hasSession()).toBe(false);
  });

  it('forgets the token even when the server cannot be told', async () => {
    const server = fakeServer({ 'auth.logout': 'unreachable' });
    const tokens = memoryTokens('tok-1');
    await createAccountSessions({ fetch: server.fetch, serverUrl: SERVER, tokens }).signOut();
    expect(tokens.held()).toBeNull();
  });

  it('asks the server nothing when no session is kept', async () => {
    const server = fakeServer({});
    await createAccountSessions({
      fetch: server.fetch,
      serverUrl: SERVER,
      tokens: memoryTokens(),
    }).signOut();
    expect(server.sent).toEqual([]);
  });
});
