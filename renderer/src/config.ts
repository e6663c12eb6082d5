// Where the server is. The web app served by Vite reaches it through the same origin
// (the dev and preview servers proxy /trpc and /api); the desktop app calls the URL
// baked in at build time.
/// <reference types="vite/client" />

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8787';

export function resolveServerUrl(env: ImportMetaEnv, origin: string): string {
  if (env.VITE_API_SAME_ORIGIN === 'true' && /^https?:/.test(origin)) return origin;
  return (env.VITE_SERVER_URL || DEFAULT_SERVER_URL).replace(/\/+$/, '');
}

export function appVersion(env: ImportMetaEnv): string {
  return env.VITE_APP_VERSION || '0.0.0';
}
