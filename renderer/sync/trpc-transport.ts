// The sync transport over tRPC: one WebSocket carries the live stream and, while it is
// open, pushes and pulls too (no HTTP request, no session lookup per call); without it
// they go over HTTP. The session is whatever the platform presents (ServerAuth): the token
// in the socket's first message and in a header on the web, nothing on the desktop,
// whose main process adds the header to the upgrade and the requests. Every answer is parsed with the protocol's
// schemas: nothing from the network is trusted by shape. Untyped paths: the renderer
// never imports server/.
import {
  createTRPCUntypedClient,
  createWSClient,
  httpLink,
  splitLink,
  TRPCClientError,
  wsLink,
} from '@trpc/client';
import type { ZodType } from 'zod';
import {
  type ErrorCode,
  errorCodeFromTrpc,
  isErrorCode,
  isRetryable,
} from '../../shared/errors.ts';
import { type ReceiptDetails, receiptDetailsSchema } from '../../shared/groups.ts';
import type { ServerAuth } from '../../shared/platform/server-auth.ts';
import {
  liveEventSchema,
  PROTOCOL_VERSION,
  type PullResult,
  type PushOp,
  type PushResult,
  pullResultSchema,
  pushResultSchema,
} from '../../shared/sync/protocol.ts';
import {
  type LiveHandlers,
  type PullRequest,
  type ReceiptDetailsRequest,
  type SyncTransport,
  TransportError,
  type TransportErrorKind,
} from './transport.ts';

export interface TrpcTransportOptions {
  /** The server's base URL, e.g. `https://chat.example`; tRPC lives under `/trpc`. */
  baseUrl: string;
  auth: ServerAuth;
  /** A WebSocket class for runtimes without one (Node tests pass `ws`). */
  WebSocket?: typeof globalThis.WebSocket;
  fetch?: typeof globalThis.fetch;
  /** Delay before reconnect attempt `n` (0-based). */
  reconnectDelayMs?: (attempt: number) => number;
  keepAlive?: { intervalMs: number; pongTimeoutMs: number };
  /** Delay before subscribing again after the server ended the subscription. */
  resubscribeDelayMs?: number;
  /** The protocol version this client speaks (tests of older clients change it). */
  protocolVersion?: number;
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
  const protocolVersion = options.protocolVersion ?? PROTOCOL_VERSION;
  // The socket is opened by the live stream and used by calls only once the server has
  // said hello on it (it is open and signed in).
  let isLive = false;
  const wsClient = createWSClient({
    url: trpcUrl.replace(/^http/, 'ws'),
    connectionParams: () => options.auth.socketAuthParams(),
    keepAlive: { enabled: true, ...(options.keepAlive ?? DEFAULT_KEEP_ALIVE) },
    retryDelayMs: options.reconnectDelayMs ?? defaultReconnectDelay,
    ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
  });
  const client = createTRPCUntypedClient({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription' || isLive,
        true: wsLink({ client: wsClient }),
        false: httpLink({
          url: trpcUrl,
          // A pull page's input is small, but a query in a URL would be cached by proxies.
          methodOverride: 'POST',
          headers: () => options.auth.authHeaders(),
          ...(options.fetch ? { fetch: options.fetch } : {}),
        }),
      }),
    ],
  });
  const streams = new Set<() => void>();

  return {
    push(ops: PushOp[]): Promise<PushResult> {
      return call('push', pushResultSchema, () =>
        client.mutation('sync.push', { protocolVersion, ops }),
      );
    },
    pull(request: PullRequest): Promise<PullResult> {
      return call('pull', pullResultSchema, () =>
        client.query('sync.pull', {
          protocolVersion,
          cursor: request.cursor,
          ...(request.limit === undefined ? {} : { limit: request.limit }),
          check: request.check ?? false,
        }),
      );
    },
    receiptDetails(request: ReceiptDetailsRequest): Promise<ReceiptDetails> {
      return call('receiptDetails', receiptDetailsSchema, () =>
        client.query('groups.receiptDetails', {
          conversationId: request.conversationId,
          messageId: request.messageId,
        }),
      );
    },
    subscribe(handlers: LiveHandlers): () => void {
      const stop = openLiveStream(client, protocolVersion, options, {
        ...handlers,
        onConnectionChange(connected) {
          isLive = connected;
          handlers.onConnectionChange(connected);
        },
      });
      streams.add(stop);
      return () => {
        streams.delete(stop);
        stop();
        isLive = false;
      };
    },
    close() {
      for (const stop of streams) stop();
      streams.clear();
      isLive = false;
      void wsClient.close();
    },
  };
}

type UntypedClient = ReturnType<typeof createTRPCUntypedClient>;

function openLiveStream(
  client: UntypedClient,
  protocolVersion: number,
  options: TrpcTransportOptions,
  handlers: LiveHandlers,
): () => void {
  let isConnected = false;
  let isStopped = false;
  let resubscribeTimer: ReturnType<typeof setTimeout> | null = null;
  const setConnected = (connected: boolean) => {
    if (connected === isConnected || isStopped) return;
    isConnected = connected;
    handlers.onConnectionChange(connected);
  };
  let subscription: { unsubscribe(): void } | null = null;
  const start = () => {
    resubscribeTimer = null;
    if (isStopped) return;
    subscription = client.subscription(
      'sync.live',
      { protocolVersion },
      {
        onData: (data) => {
          if (isStopped) return;
          const event = liveEventSchema.safeParse(data);
          // An event this client cannot read may still mean something changed: catch up.
          if (!event.success) {
            handlers.onEvent({ type: 'catchUp', reason: 'possibly-missed' });
            return;
          }
          // `hello` proves the socket is open and signed in: the "connected" signal.
          if (event.data.type === 'hello') setConnected(true);
          handlers.onEvent(event.data);
        },
        onConnectionStateChange: (state) => {
          if (state.state !== 'pending') setConnected(false);
        },
        onError: (error) => {
          setConnected(false);
          const mapped = toTransportError(error);
          if (mapped.kind !== 'network' && mapped.kind !== 'retryable') {
            handlers.onError?.(mapped);
            return;
          }
          scheduleResubscribe();
        },
        onComplete: () => {
          setConnected(false);
          scheduleResubscribe();
        },
      },
    );
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
  };
}

async function call<T>(
  what: string,
  schema: ZodType<T>,
  request: () => Promise<unknown>,
): Promise<T> {
  let answer: unknown;
  try {
    answer = await request();
  } catch (error) {
    throw toTransportError(error);
  }
  const parsed = schema.safeParse(answer);
  if (!parsed.success)
    throw new TransportError('retryable', 'INTERNAL', `malformed ${what} answer`);
  return parsed.data;
}

/** Maps a tRPC failure to retry-later versus failed-for-good by its code, never by text. */
export function toTransportError(error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const data: unknown = error instanceof TRPCClientError ? error.data : undefined;
  const trpcCode = readString(data, 'code');
  if (!trpcCode) return new TransportError('network', null, message);
  const appCode = readString(data, 'appCode');
  const code: ErrorCode = isErrorCode(appCode) ? appCode : errorCodeFromTrpc(trpcCode);
  return new TransportError(kindOf(code), code, message);
}

function kindOf(code: ErrorCode): TransportErrorKind {
  if (code === 'UNAUTHENTICATED') return 'auth';
  if (code === 'PROTOCOL_INCOMPATIBLE') return 'incompatible';
  return isRetryable(code) ? 'retryable' : 'permanent';
}

function readString(value: unknown, key: string): string | null {
  if (typeof value !== 'object' || value === null || !(key in value)) return null;
  const field: unknown = Reflect.get(value, key);
  return typeof field === 'string' ? field : null;
}
