// The web app's service worker: caches the app shell so a reload or a cold start with no
// network still opens the app (and with it the conversations stored in IndexedDB). API
// traffic is never cached: the sync engine owns all data.
import { shellFilesMessage } from './service-worker-messages.ts';

declare const self: ServiceWorkerGlobalScope;

// Both placeholders are replaced at build time by the plugin in renderer/vite.config.ts.
const PRECACHE = '__TIMENEST_PRECACHE__' as unknown as string[];
const BUILD: string = '__TIMENEST_BUILD__';
const CACHE = `timenest-shell-${BUILD}`;
/** Served by the dev server (see renderer/vite.config.ts): file names carry no hashes
 * and change with every edit, so the network comes first and the cache is the fallback. */
const IS_DEV_SERVER = BUILD === 'dev';
const API_PREFIXES = ['/trpc', '/api/', '/yjs', '/healthz'];

function isApi(url: URL): boolean {
  return API_PREFIXES.some((prefix) => url.pathname.startsWith(prefix));
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(PRECACHE);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((n) => n.startsWith('timenest-shell-') && n !== CACHE)
          .map((n) => caches.delete(n)),
      );
      await self.clients.claim();
    })(),
  );
});

/** Pages: the network when it answers (fresh deploys show up), else the cached shell;
 * every route of this single-page app is the same index.html. */
async function respondToNavigation(request: Request): Promise<Response> {
  try {
    const response = await fetch(request);
    if (!response.ok) throw new Error(`status ${response.status}`);
    if (IS_DEV_SERVER) await (await caches.open(CACHE)).put('/index.html', response.clone());
    return response;
  } catch {
    const cached =
      (await caches.match('/index.html', { cacheName: CACHE })) ?? (await caches.match('/'));
    return cached ?? Response.error();
  }
}

/** Built files have hashed names and never change: the cache first, the network once.
 * `ignoreVary`: module scripts are requested with an Origin header the precache did not
 * send, and servers answer with `Vary: Origin`. */
async function respondToAsset(request: Request): Promise<Response> {
  const cached = await caches.match(request, { cacheName: CACHE, ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && request.method === 'GET') {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

/** The dev server's files: the network, remembered for when there is none. */
async function respondToDevFile(request: Request): Promise<Response> {
  try {
    const response = await fetch(request);
    if (response.ok) await (await caches.open(CACHE)).put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await caches.match(request, { cacheName: CACHE, ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isApi(url)) return;
  if (request.mode === 'navigate') {
    event.respondWith(respondToNavigation(request));
    return;
  }
  event.respondWith(IS_DEV_SERVER ? respondToDevFile(request) : respondToAsset(request));
});

/** The dev server's first load, fetched before this worker was active (see
 * service-worker-registration.ts): cached now, with the page as the shell. */
self.addEventListener('message', (event) => {
  const message = shellFilesMessage.safeParse(event.data);
  if (!IS_DEV_SERVER || !message.success) return;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const files = message.data.urls
        .map((url) => new URL(url, self.location.origin))
        .filter((url) => url.origin === self.location.origin && !isApi(url));
      await Promise.all(
        [new URL('/', self.location.origin), ...files].map(async (url) => {
          const response = await fetch(url).catch(() => null);
          if (response?.ok) await cache.put(url.pathname === '/' ? '/index.html' : url, response);
        }),
      );
    })(),
  );
});
