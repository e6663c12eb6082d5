// The renderer's composition root: picks the platform bridge, builds the server client
// and the per-session sync engine, registers the service worker (web build) and renders.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { ServerAuth } from '../../shared/platform/server-auth.ts';
import { pickPlatformBridge } from '../platform/index.ts';
import { openChatDatabase } from '../sync/db.ts';
import { createSyncEngine, lockName } from '../sync/engine.ts';
import { createHttpDownloadTransport } from '../sync/fetch-attachment.ts';
import { broadcastTabChannel } from '../sync/tab-channel.ts';
import { createTrpcTransport } from '../sync/trpc-transport.ts';
import { createTusUploadTransport } from '../sync/tus-upload-transport.ts';
import { App } from './app/App.tsx';
import type { StartSession } from './app/SignedInApp.tsx';
import { appVersion, resolveServerUrl } from './config.ts';
import { createHistoryNavigator } from './routing/navigator.ts';
import { createServerClient } from './server-client.ts';
import { registerServiceWorker } from './service-worker-registration.ts';
import { readSettings } from './settings/settings-store.ts';
import './styles.css';

const serverUrl = resolveServerUrl(import.meta.env, window.location.origin);
const bridge = pickPlatformBridge(window, { version: appVersion(import.meta.env), serverUrl });
// The session as this platform presents it: the web page's token, or nothing on the
// desktop, whose main process adds it to every request to the server.
const auth: ServerAuth = bridge;

const startSession: StartSession = (session) => {
  const { userId } = session.user;
  const db = openChatDatabase(userId);
  // Tabs of this profile elect one engine to talk to the server (DESIGN §3.8).
  const locks = 'locks' in navigator ? navigator.locks : null;
  const tabs = locks ? broadcastTabChannel(lockName(userId)) : null;
  const engine = createSyncEngine({
    db,
    transport: () => createTrpcTransport({ baseUrl: serverUrl, auth }),
    uploads: () => createTusUploadTransport({ baseUrl: serverUrl, auth }),
    downloads: {
      transport: () => createHttpDownloadTransport({ baseUrl: serverUrl, auth }),
      limitBytes: () => readSettings(window.localStorage).autoDownloadMaxBytes,
    },
    userId,
    locks,
    tabs,
  });
  engine.start();
  // `npm run bench` drives the engine of a real page; only builds made for it have this.
  if (import.meta.env.VITE_BENCH_HOOKS === 'true') {
    Object.assign(window, { __timenestBench: { db, engine } });
  }
  return {
    db,
    engine,
    async dispose() {
      await engine.stop();
      tabs?.close();
      db.close();
    },
  };
};

if (bridge.kind === 'web') {
  // In dev too (`npm run web`, `npm start`): a reload offline must open the app there as well.
  if ('serviceWorker' in navigator) registerServiceWorker(window, import.meta.env.DEV);
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App
      bridge={bridge}
      server={createServerClient(serverUrl, auth)}
      serverUrl={serverUrl}
      storage={window.localStorage}
      navigator={createHistoryNavigator(window)}
      startSession={startSession}
      deviceName={
        bridge.kind === 'desktop' ? 'TimeNest desktop' : `Web · ${navigator.userAgent.slice(0, 60)}`
      }
    />
  </StrictMode>,
);
