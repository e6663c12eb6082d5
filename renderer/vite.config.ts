// The renderer as a web app: `npm run web` (dev server) and `npm run build:web` (static
// build in dist/web with a service worker that caches the app shell for offline starts).
// The dev server serves the same service worker, network first, so a reload offline
// still opens the app while editing keeps hot reload (a watched production build would
// lose it).
// In the web app the API is reached through this server's proxy (same origin, no CORS);
// set WEB_API=direct to call SERVER_URL from the browser instead.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type ProxyOptions } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const serverUrl = process.env.VITE_SERVER_URL || process.env.SERVER_URL || 'http://127.0.0.1:8787';
const webPort = Number(process.env.WEB_PORT || 5173);
const sameOrigin = process.env.WEB_API !== 'direct';
const appVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

const SERVICE_WORKER_ENTRY = 'service-worker';
const PRECACHE_PLACEHOLDER = /(["'`])__TIMENEST_PRECACHE__\1/g;
const VERSION_PLACEHOLDER = '__TIMENEST_BUILD__';
/** The build name the service worker reads as "served by the dev server". */
const DEV_BUILD = 'dev';

/** Builds src/service-worker.ts to /sw.js and writes the list of every emitted file into
 * it, so the first visit precaches the whole shell (hashed names are known only here). */
function serviceWorker(): Plugin {
  return {
    name: 'timenest-service-worker',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const worker = Object.values(bundle).find(
        (file) => file.type === 'chunk' && file.name === SERVICE_WORKER_ENTRY,
      );
      if (worker?.type !== 'chunk') return;
      const files = Object.keys(bundle)
        .filter((name) => name !== worker.fileName && !name.endsWith('.map'))
        .map((name) => `/${name}`);
      // index.html and public/ files are not always in the bundle at this point.
      const precache = [...new Set(['/', '/index.html', '/favicon.svg', ...files])];
      const build = files.join('|');
      let hash = 0;
      for (let i = 0; i < build.length; i++) hash = (hash * 31 + build.charCodeAt(i)) | 0;
      worker.code = worker.code
        .replace(PRECACHE_PLACEHOLDER, JSON.stringify(precache))
        .replaceAll(VERSION_PLACEHOLDER, `${appVersion}-${(hash >>> 0).toString(36)}`);
    },
  };
}

/** Serves src/service-worker.ts as /sw.js on the dev server, built as `dev`: nothing
 * precached (files have no hashes there), every file cached as it is fetched, and the
 * network asked first so an edit shows on the next reload. */
function devServiceWorker(): Plugin {
  return {
    name: 'timenest-dev-service-worker',
    apply: 'serve',
    // The page lists what it loaded for the worker (service-worker-registration.ts);
    // the browser keeps only 250 entries unless told otherwise, and dev loads a file per
    // module.
    transformIndexHtml: () => [
      {
        tag: 'script',
        children: 'performance.setResourceTimingBufferSize(10000)',
        injectTo: 'head-prepend',
      },
    ],
    configureServer(server) {
      server.middlewares.use('/sw.js', (_req, res, next) => {
        server
          .transformRequest('/src/service-worker.ts')
          .then((result) => {
            if (!result) throw new Error('src/service-worker.ts did not transform');
            res.setHeader('content-type', 'text/javascript');
            res.setHeader('cache-control', 'no-cache');
            res.end(
              result.code
                .replace(PRECACHE_PLACEHOLDER, '[]')
                .replaceAll(VERSION_PLACEHOLDER, DEV_BUILD),
            );
          })
          .catch(next);
      });
    },
  };
}

const apiProxy: Record<string, ProxyOptions> = Object.fromEntries(
  ['/trpc', '/api', '/yjs', '/healthz'].map((path) => [
    path,
    { target: serverUrl, ws: path === '/trpc' || path === '/yjs', changeOrigin: false },
  ]),
);

export default defineConfig({
  root,
  publicDir: 'public',
  plugins: [react(), serviceWorker(), devServiceWorker()],
  // Its own pre-bundled dependencies, so dev servers of several checkouts sharing one
  // node_modules do not rewrite each other's.
  cacheDir: process.env.WEB_CACHE_DIR,
  define: {
    'import.meta.env.VITE_SERVER_URL': JSON.stringify(serverUrl),
    'import.meta.env.VITE_API_SAME_ORIGIN': JSON.stringify(sameOrigin ? 'true' : 'false'),
    'import.meta.env.VITE_APP_VERSION': JSON.stringify(appVersion),
    'import.meta.env.VITE_BENCH_HOOKS': JSON.stringify(
      process.env.BENCH_HOOKS === '1' ? 'true' : 'false',
    ),
  },
  server: { host: '127.0.0.1', port: webPort, strictPort: true, proxy: apiProxy },
  preview: { host: '127.0.0.1', port: webPort, strictPort: true, proxy: apiProxy },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: {
        main: `${root}index.html`,
        [SERVICE_WORKER_ENTRY]: `${root}src/service-worker.ts`,
      },
      output: {
        entryFileNames: (chunk) =>
          chunk.name === SERVICE_WORKER_ENTRY ? 'sw.js' : 'assets/[name]-[hash].js',
      },
    },
  },
});
