// The live subscription as a client sees it: the first thing it gets (an event or an
// error), with a deadline, over a WebSocket with or without a token.
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { WebSocket } from 'ws';
import type { AppRouter } from '../../../server/routers/index.ts';
import { type LiveEvent, PROTOCOL_VERSION } from '../../../shared/sync/protocol.ts';
import { trpcRealtimeClient } from '../../support/clients.ts';

export type SubscriptionOutcome =
  | { kind: 'event'; event: LiveEvent }
  | { kind: 'error'; code: string | undefined; message: string };

/** A client that sends every call, not only subscriptions, over one WebSocket. */
export function trpcSocketClient(baseUrl: string, token: string) {
  const wsClient = createWSClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: () => ({ token }),
  });
  return {
    client: createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] }),
    close: () => wsClient.close(),
  };
}

function tokenlessClient(baseUrl: string) {
  const wsClient = createWSClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  return {
    client: createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] }),
    close: () => wsClient.close(),
  };
}

export async function firstLiveOutcome(
  baseUrl: string,
  token: string | null,
  input: unknown = { protocolVersion: PROTOCOL_VERSION },
  timeoutMs = 5_000,
): Promise<SubscriptionOutcome> {
  const { client, close } =
    token === null ? tokenlessClient(baseUrl) : trpcRealtimeClient(baseUrl, token);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<SubscriptionOutcome>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no live stream outcome within ${timeoutMs} ms`)),
        timeoutMs,
      );
      // The input is deliberately untyped: bad-input tests send what the type forbids.
      const subscribe = client.sync.live.subscribe as (
        input: unknown,
        handlers: {
          onData: (value: LiveEvent) => void;
          onError: (error: { message: string; data?: { code?: string } }) => void;
        },
      ) => { unsubscribe: () => void };
      const subscription = subscribe(input, {
        onData: (value) => {
          subscription.unsubscribe();
          resolve({ kind: 'event', event: value });
        },
        onError: (error) =>
          resolve({ kind: 'error', code: error.data?.code, message: error.message }),
      });
    });
  } finally {
    clearTimeout(timer);
    close();
  }
}
