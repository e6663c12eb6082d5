// The sync transport over tRPC: push and pull as plain HTTP calls with a bearer token,
// pokes over a WebSocket subscription (token in the connection parameters, keep-alive
// pings, reconnect with backoff). Untyped paths: the renderer never imports server/.
import {
  createTRPCUntypedClient,
  createWSClient,
  httpLink,
  TRPCClientError,
  wsLink,
} from '@trpc/client';
import {
  ERROR_CODES,
  type ErrorCode,
  errorCodeFromTrpc,
  isRetryable,
} from '../../shared/errors.ts';
import {
  type PokeEvent,
  PROTOCOL_VERSION,
  type PullResult,
  type PushOp,
  type PushResult,
} from '../../shared/sync/protocol.ts';
import {
  type SubscriptionHandlers,
  type SyncTransport,
  TransportError,
  type TransportErrorKind,
} from './transport.ts';

export interface TrpcTransportOptions {
  /** The server's base URL, e.g. `https://chat.example`; tRPC lives under `/trpc`. */
  baseUrl: string;
  token: string;
  /** A WebSocket class for runtimes without one (Node tests pass `ws`). */
  WebSocket?: typeof globalThis.WebSocket;
  fetch?: typeof globalThis.fetch;
  /** Delay before reconnect attempt `n` (0-based). */
  reconnectDelayMs?: (attempt: number) => number;
  keepAlive?: { intervalMs: number; pongTimeoutMs: number };
  /** Delay before subscribing again after the server ended the subscription. */
  resubscribeDelayMs?: number;
}

const DEFAULT_KEEP_ALIVE = { intervalMs: 20_000, pongTimeoutMs: 5_000 };

/** Exponential with jitter, from 0.25 s up to 15 s. */
export function defaultReconnectDelay(attempt: number): number {
  if (attempt === 0) return 0;
  const cap = Math.min(15_000, 250 * 2 ** attempt);
  return cap / 2 + Math.random() * (cap / 2);
}

export function createTrpcTransport(options: TrpcTransportOptions): SyncTransport {
  const trpcUrl = `${options.baseUrl.replace(/\/+$/, '')}/trpc`;
  const http = createTRPCUntypedClient({
    links: [
      httpLink({
        url: trpcUrl,
        // Pull's input carries the cursor, which grows with the number of conversations:
        // in a GET query string it would outgrow servers' header limits.
        methodOverride: 'POST',
        headers: () => ({ authorization: `Bearer ${options.token}` }),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ],
  });
  const subscriptions = new Set<() => void>();

  return {
    async push(ops: PushOp[]): Promise<PushResult> {
      const answer = await call(() =>
        http.mutation('sync.push', { protocolVersion: PROTOCOL_VERSION, ops }),
      );
      if (!isPushResult(answer)) throw malformed('push');
      return answer;
    },
    async pull(cursor: string | null, limit?: number): Promise<PullResult> {
      const answer = await call(() =>
        http.query('sync.pull', { protocolVersion: PROTOCOL_VERSION, cursor, limit }),
      );
      if (!isPullResult(answer)) throw malformed('pull');
      return answer;
    },
    subscribe(handlers: SubscriptionHandlers): () => void {
      const stop = subscribePokes(trpcUrl.replace(/^http/, 'ws'), options, handlers);
      subscriptions.add(stop);
      return () => {
        subscriptions.delete(stop);
        stop();
      };
    },
    close() {
      for (const stop of subscriptions) stop();
      subscriptions.clear();
    },
  };
}

function subscribePokes(
  wsUrl: string,
  options: TrpcTransportOptions,
  handlers: SubscriptionHandlers,
): () => void {
  let isConnected = false;
  let isStopped = false;
  let resubscribeTimer: ReturnType<typeof setTimeout> | null = null;
  const setConnected = (connected: boolean) => {
    if (connected === isConnected || isStopped) return;
    isConnected = connected;
    handlers.onConnectionChange(connected);
  };
  const wsClient = createWSClient({
    url: wsUrl,
    connectionParams: () => ({ token: options.token }),
    keepAlive: { enabled: true, ...(options.keepAlive ?? DEFAULT_KEEP_ALIVE) },
    retryDelayMs: options.reconnectDelayMs ?? defaultReconnectDelay,
    ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
  });
  const client = createTRPCUntypedClient({ links: [wsLink({ client: wsClient })] });

  let subscription: { unsubscribe(): void } | null = null;
  const start = () => {
    resubscribeTimer = null;
    if (isStopped) return;
    subscription = client.subscription('sync.onPoke', undefined, {
      // The server sends one event on every (re)connection: that proves the socket is
      // open and signed in, so it is also the "connected" signal.
      onData: (envelope) => {
        setConnected(true);
        if (isStopped) return;
        const event = pokeEventOf(envelope);
        if (event?.reason === 'presence') handlers.onPresence?.(event);
        // Anything else (change, resume, or an event this client does not know) means:
        // pull; pulling once too often is harmless, missing a change is not.
        else handlers.onPoke();
      },
      onConnectionStateChange: (state) => {
        if (state.state !== 'pending') setConnected(false);
      },
      onError: (error) => {
        setConnected(false);
        const mapped = toTransportError(error);
        if (mapped.kind === 'auth' || mapped.kind === 'permanent') {
          handlers.onError?.(mapped);
          return;
        }
        scheduleResubscribe();
      },
      onComplete: () => {
        setConnected(false);
        scheduleResubscribe();
      },
    });
  };
  const scheduleResubscribe = () => {
    if (isStopped || resubscribeTimer) return;
    subscription = null;
    resubscribeTimer = setTimeout(start, options.resubscribeDelayMs ?? 1_000);
  };
  start();

  return () => {
    if (isStopped) return;
    isStopped = true;
    if (resubscribeTimer) clearTimeout(resubscribeTimer);
    subscription?.unsubscribe();
    void wsClient.close();
  };
}

/** The poke event inside a tracked subscription envelope (`{id, data}`). */
function pokeEventOf(envelope: unknown): PokeEvent | null {
  const data =
    typeof envelope === 'object' && envelope !== null && 'data' in envelope
      ? (envelope as { data: unknown }).data
      : envelope;
  const reason = readString(data, 'reason');
  return reason ? (data as PokeEvent) : null;
}

async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw toTransportError(error);
  }
}

const KNOWN_CODES = new Set<string>(ERROR_CODES);

/** Maps a tRPC failure to retry-later versus failed-for-good by its code, never by text. */
export function toTransportError(error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const data: unknown = error instanceof TRPCClientError ? error.data : undefined;
  const trpcCode = readString(data, 'code');
  if (!trpcCode) return new TransportError('network', null, message);
  const appCode = readString(data, 'appCode');
  const code: ErrorCode =
    appCode && KNOWN_CODES.has(appCode) ? (appCode as ErrorCode) : errorCodeFromTrpc(trpcCode);
  return new TransportError(kindOf(code), code, message);
}

function kindOf(code: ErrorCode): TransportErrorKind {
  if (code === 'UNAUTHENTICATED') return 'auth';
  return isRetryable(code) ? 'retryable' : 'permanent';
}

function readString(value: unknown, key: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : null;
}

function malformed(what: string): TransportError {
  return new TransportError('retryable', 'INTERNAL', `malformed ${what} answer`);
}

function isPushResult(value: unknown): value is PushResult {
  const results = (value as { results?: unknown } | null)?.results;
  return (
    Array.isArray(results) &&
    results.every(
      (r) =>
        typeof r === 'object' &&
        r !== null &&
        typeof (r as { opId?: unknown }).opId === 'string' &&
        ['accepted', 'rejected', 'retry'].includes(String((r as { status?: unknown }).status)),
    )
  );
}

function isPullResult(value: unknown): value is PullResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Array.isArray(v.conversations) &&
    Array.isArray(v.messages) &&
    typeof v.cursor === 'string' &&
    typeof v.hasMore === 'boolean'
  );
}
