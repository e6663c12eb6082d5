// Talking to a test server the way real clients do: REST with fetch, tRPC with its client.
import { randomBytes } from 'node:crypto';
import { createTRPCClient, createWSClient, httpLink, splitLink, wsLink } from '@trpc/client';
import { WebSocket } from 'ws';
import type { AppRouter } from '../../server/routers/index.ts';
import type { UserView } from '../../shared/model.ts';
import { type LiveEvent, liveEventSchema, PROTOCOL_VERSION } from '../../shared/sync/protocol.ts';

export interface TestUser {
  token: string;
  user: UserView;
  password: string;
}

export async function createUser(baseUrl: string, displayName = 'User'): Promise<TestUser> {
  const email = `${displayName.toLowerCase().replace(/[^a-z0-9]/g, '')}-${randomBytes(4).toString('hex')}@test.local`;
  const password = 'correct horse battery';
  const register = () =>
    fetch(`${baseUrl}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, display_name: displayName }),
    });
  let res = await register();
  // Password hashing is rationed: a busy server says when to come back, as clients do.
  for (let attempt = 1; res.status === 503 && attempt < 5; attempt++) {
    const seconds = Number(res.headers.get('retry-after') ?? 1);
    await res.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, Math.min(5, seconds) * 1000));
    res = await register();
  }
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as {
    token: string;
    user: { user_id: number; email: string; display_name: string };
  };
  return {
    token: body.token,
    password,
    user: {
      userId: body.user.user_id,
      email: body.user.email,
      displayName: body.user.display_name,
    },
  };
}

export interface RestAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export async function rest<T = unknown>(
  baseUrl: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  options: { token?: string | null; body?: unknown; rawBody?: string } = {},
): Promise<RestAnswer<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body:
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

export function trpcClient(baseUrl: string, token: string | null) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl}/trpc`,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });
}

/** A client with a WebSocket for subscriptions; close it with `close()`. */
export function trpcRealtimeClient(baseUrl: string, token: string) {
  const wsClient = createWSClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: () => ({ token }),
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: wsClient }),
        false: httpLink({
          url: `${baseUrl}/trpc`,
          headers: () => ({ authorization: `Bearer ${token}` }),
        }),
      }),
    ],
  });
  return { client, close: () => wsClient.close() };
}

/** A client whose every call goes over one WebSocket, as the app's does while live. */
export function trpcSocketClient(baseUrl: string, token: string) {
  const wsClient = createWSClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: () => ({ token }),
  });
  return {
    trpc: createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] }),
    close: () => void wsClient.close(),
  };
}

/** Listens to the live sync stream of a realtime client; returns what stops it. */
export function listenLive(
  realtime: ReturnType<typeof trpcRealtimeClient>,
  onEvent: (event: LiveEvent) => void,
  onError?: (code: string | undefined) => void,
): () => void {
  const subscription = realtime.client.sync.live.subscribe(
    { protocolVersion: PROTOCOL_VERSION },
    {
      onData: (event) => onEvent(liveEventSchema.parse(event)),
      onError: (error) => onError?.(error.data?.code),
    },
  );
  return () => subscription.unsubscribe();
}

/** Waits for a condition with a deadline instead of sleeping and hoping. */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 20, what = 'condition' } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
