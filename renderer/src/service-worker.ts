// The web app's service worker: caches the app shell so a reload or a cold start with no
// network still opens the app (and with it the conversations stored in IndexedDB). API
// traffic is never cached: the sync engine owns all data.
export type {};

declare const self: ServiceWorkerGlobalScope;

// Both placeholders are replaced at build time by the plugin in renderer/vite.config.ts.
const PRECACHE = '__TIMENEST_PRECACHE__' as unknown as string[];
const BUILD = '__TIMENEST_BUILD__';
const CACHE = `timenest-shell-${BUILD}`;
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
    if (response.ok) return response;
    throw new Error(`status ${response.status}`);
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

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isApi(url)) return;
  if (request.mode === 'navigate') {
    event.respondWith(respondToNavigation(request));
    return;
  }
  event.respondWith(respondToAsset(request));
});
