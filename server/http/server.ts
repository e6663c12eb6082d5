// HTTP and WebSocket wiring: tRPC at /trpc (HTTP and WebSocket), the REST API at
// /api/v1, /healthz, and the presence endpoint at /yjs. Transport only; the work is in
// the services.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { UPLOADS_PATH } from '../../shared/attachments.ts';
import { LIMITS } from '../../shared/limits.ts';
import { resolveSession, type SessionIdentity } from '../auth/accounts.ts';
import { cachedSession } from '../auth/session-cache.ts';
import { AppError } from '../errors.ts';
import { appRouter } from '../routers/index.ts';
import type { Services } from '../services.ts';
import type { RequestContext } from '../trpc.ts';
import { guardConnections } from './connection-guard.ts';
import { applyCors } from './cors.ts';
import { bearerToken, sendError, sendJson } from './respond.ts';
import { handleRest } from './rest.ts';

export type UpgradeHandler = (
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  url: URL,
) => boolean;

export interface HttpServer {
  server: Server;
  isReady: () => boolean;
  setReady: (ready: boolean) => void;
  addUpgradeHandler: (handler: UpgradeHandler) => void;
  /** Stops accepting, lets in-flight requests finish, closes sockets. */
  drain: () => Promise<void>;
}

const wsConnectionParams = z.object({ token: z.string().max(512).optional() }).nullish();

const DRAIN_LIMIT_MS = 10_000;
/** WebSocket close codes (4400–4499: the client must not simply reconnect with the
 * same credentials). */
export const CLOSE_UNAUTHENTICATED = 4401;
/** A peer gets this long to answer our close frame before its socket is dropped: a
 * client that never answers must not keep a descriptor for ws's default 30 s. */
const CLOSE_GRACE_MS = 1_000;

function closeSocket(ws: WebSocket, code: number, reason: string): void {
  ws.close(code, reason);
  setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
}

/** Live streams one socket may hold: the app opens one. */
const MAX_STREAMS_PER_SOCKET = 2;
const TRPC_METHODS = new Set(['GET', 'POST']);

/** The request's path and query, or null for a target no URL parser accepts (`//[`). */
function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

/** A subscription over server-sent events: it never finishes by itself. */
function isEventStream(res: ServerResponse): boolean {
  return String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');
}

const UPLOADS_ROOT = UPLOADS_PATH.replace(/\/$/, '');
const ATTACHMENT_ROUTE = /^\/api\/v1\/attachments\/([^/]+)$/;

export function createHttpServer(services: Services): HttpServer {
  let ready = false;
  const open = new Set<ServerResponse>();
  let onSettled: (() => void) | null = null;
  // Draining waits for ordinary requests only; event streams are cut at the end.
  const isSettled = () => [...open].every(isEventStream);
  const allowedOrigins = new Set(services.config.CORS_ORIGINS);
  const upgradeHandlers: UpgradeHandler[] = [];

  const trpcHttp = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    // Queries may come as POST (sync.pull does: a page of answers is a POST's worth).
    allowMethodOverride: true,
    maxBodySize: LIMITS.requestMaxBytes,
    maxBatchSize: LIMITS.trpcBatchMax,
    createContext: ({ req }): RequestContext => {
      const token = bearerToken(req);
      let identity: Promise<SessionIdentity | null> | undefined;
      const resolveIdentity = () => {
        identity ??= resolveSession(services.db, token, services.config.SESSION_IDLE_DAYS);
        return identity;
      };
      return {
        services,
        resolveIdentity,
        resolveSyncIdentity: resolveIdentity,
        clientAddress: services.addresses.clientOf(req),
        streams: null,
        isSocketSignedIn: null,
      };
    },
    responseMeta({ errors }) {
      const retryAfter = errors
        .map((e) => (e.cause instanceof AppError ? e.cause.retryAfterSeconds : undefined))
        .find((s) => s);
      return retryAfter ? { headers: { 'retry-after': String(retryAfter) } } : {};
    },
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = requestUrl(req);
    if (!url) {
      sendJson(res, 400, {
        error: { code: 'VALIDATION_FAILED', message: 'the request target is not a valid path' },
      });
      return;
    }
    if (applyCors(req, res, allowedOrigins)) return;
    if (url.pathname === '/healthz') {
      sendJson(res, ready ? 200 : 503, { ok: ready });
      return;
    }
    if (url.pathname.startsWith('/trpc/')) {
      // Anything else (TRACE, PUT, …) is not a call: refused before tRPC sees it.
      if (!TRPC_METHODS.has(req.method ?? '')) {
        sendJson(
          res,
          405,
          { error: { code: 'VALIDATION_FAILED', message: `method ${req.method} not allowed` } },
          { allow: 'GET, POST' },
        );
        return;
      }
      trpcHttp(req, res);
      return;
    }
    if (url.pathname === UPLOADS_ROOT || url.pathname.startsWith(UPLOADS_PATH)) {
      await services.attachments.handleUpload(req, res);
      return;
    }
    try {
      const download = ATTACHMENT_ROUTE.exec(url.pathname);
      if (download?.[1]) {
        await services.attachments.serve(req, res, download[1]);
        return;
      }
      if (!(await handleRest(services, req, res, url))) {
        throw new AppError('NOT_FOUND', 'no such endpoint');
      }
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // A body left half read (refused as too large) would be parsed as the next request.
      if (!req.complete) res.setHeader('connection', 'close');
      if (error instanceof AppError) sendError(res, error);
      else {
        services.log.error({ err: error, path: url.pathname }, 'request failed');
        sendError(res, new AppError('INTERNAL', 'internal error'));
      }
    }
  };

  const server = createServer(
    {
      headersTimeout: services.config.HEADERS_TIMEOUT_MS,
      requestTimeout: services.config.REQUEST_TIMEOUT_MS,
      // How often those two are checked; Node's default (30 s) would let a slow client
      // keep its socket for up to that long past its deadline.
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      open.add(res);
      res.on('close', () => {
        open.delete(res);
        if (onSettled && isSettled()) onSettled();
      });
      void handle(req, res);
    },
  );
  guardConnections(server, {
    maxPerAddress: services.config.MAX_CONNECTIONS_PER_ADDRESS,
    addresses: services.addresses,
    log: services.log,
  });

  const trpcWss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.requestMaxBytes,
    perMessageDeflate: false,
  });
  // A socket must prove a session soon after it opens, or it is closed: nothing
  // long-lived is held for a stranger.
  const signedInSockets = new WeakSet<WebSocket>();
  trpcWss.on('connection', (ws: WebSocket) => {
    const deadline = setTimeout(() => {
      if (!signedInSockets.has(ws)) closeSocket(ws, CLOSE_UNAUTHENTICATED, 'sign in first');
    }, services.config.WS_AUTH_TIMEOUT_MS);
    ws.once('close', () => clearTimeout(deadline));
  });
  const wsHandler = applyWSSHandler({
    wss: trpcWss,
    router: appRouter,
    // Over a signed-in socket, the client's own burst (its calls of one tick travel as
    // one batch); a frame's size bounds it too.
    maxBatchSize: LIMITS.trpcSocketBatchMax,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 10_000 },
    // One context per connection, made once the client has sent its token (at once when
    // the upgrade carried it in a header). A socket whose session is valid is signed in:
    // when that session ends anywhere (the bus tells every instance), the socket closes
    // at once. The session is still checked again on every call, except by the sync
    // calls, which remember it until it ends (see auth/session-cache.ts).
    createContext: async ({ info, req, res }): Promise<RequestContext> => {
      // A browser sends the token in its first message (its WebSocket cannot send
      // headers); the desktop's main process adds the Authorization header to the upgrade
      // instead, and its page sends none.
      const params = wsConnectionParams.safeParse(info.connectionParams);
      const token = params.success ? (params.data?.token ?? bearerToken(req)) : null;
      const resolveIdentity = () =>
        resolveSession(services.db, token, services.config.SESSION_IDLE_DAYS);
      const cache = cachedSession(resolveIdentity, services.config.SESSION_RECHECK_MS);
      const identity = await cache.get();
      if (identity && res.readyState === res.OPEN) {
        signedInSockets.add(res);
        const stopListening = services.bus.subscribe(identity.userId, (event) => {
          if (event.kind === 'sessionEnded' && event.sessionId === identity.sessionId) {
            cache.invalidate();
            closeSocket(res, CLOSE_UNAUTHENTICATED, 'the session has ended');
          }
        });
        res.once('close', stopListening);
      }
      return {
        services,
        resolveIdentity,
        resolveSyncIdentity: () => cache.get(),
        clientAddress: services.addresses.clientOf(req),
        streams: { open: 0, max: MAX_STREAMS_PER_SOCKET },
        isSocketSignedIn: identity !== null,
      };
    },
  });

  server.on('upgrade', (req, socket, head) => {
    const url = requestUrl(req);
    if (!url) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    if (url.pathname === '/trpc' || url.pathname === '/trpc/') {
      trpcWss.handleUpgrade(req, socket, head, (ws) => trpcWss.emit('connection', ws, req));
      return;
    }
    for (const handler of upgradeHandlers) {
      if (handler(req, socket, head, url)) return;
    }
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });

  return {
    server,
    isReady: () => ready,
    setReady: (value) => {
      ready = value;
    },
    addUpgradeHandler: (handler) => upgradeHandlers.push(handler),
    async drain() {
      ready = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      wsHandler.broadcastReconnectNotification();
      for (const ws of trpcWss.clients) ws.close(1012, 'server restarting');
      if (!isSettled()) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => (onSettled = resolve)),
          new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_LIMIT_MS))),
        ]);
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
