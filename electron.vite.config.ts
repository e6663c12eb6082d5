// Builds the desktop app: main (ESM), the sandboxed preload (one CommonJS bundle, as
// sandboxed preloads require) and the renderer from renderer/ into out/.
// SERVER_URL is baked into the renderer and the main process alike, so the page and
// its Content-Security-Policy always name the same server.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const serverUrl = process.env.SERVER_URL || process.env.VITE_SERVER_URL || 'http://127.0.0.1:8787';
const appVersion = (
  JSON.parse(readFileSync(fromRoot('./package.json'), 'utf8')) as { version: string }
).version;

/** electron-vite makes production asset URLs relative ('./'); the renderer's history
 * router reloads on paths like /chat/5, where relative asset URLs would break, and
 * app://timenest/ serves every absolute path, so assets use absolute URLs. */
function absoluteAssetUrls(): Plugin {
  return { name: 'timenest-absolute-asset-urls', config: () => ({ base: '/' }) };
}

export default defineConfig({
  main: {
    define: { __TIMENEST_SERVER_URL__: JSON.stringify(serverUrl) },
    build: {
      rolldownOptions: { input: { index: fromRoot('./electron/main/index.ts') } },
    },
  },
  preload: {
    build: {
      // Sandboxed preloads cannot load other files or packages: one self-contained bundle.
      isolatedEntries: true,
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: fromRoot('./electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: fromRoot('./renderer'),
    plugins: [react(), absoluteAssetUrls()],
    define: {
      'import.meta.env.VITE_SERVER_URL': JSON.stringify(serverUrl),
      // The desktop page (app://timenest) calls the server directly, not through a proxy.
      'import.meta.env.VITE_API_SAME_ORIGIN': JSON.stringify('false'),
      'import.meta.env.VITE_APP_VERSION': JSON.stringify(appVersion),
    },
    build: {
      outDir: fromRoot('./out/renderer'),
      rolldownOptions: { input: { index: fromRoot('./renderer/index.html') } },
    },
  },
});
