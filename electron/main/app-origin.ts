// The app's own origin and the one way to compare a URL against it. Node's URL gives
// every non-special scheme the origin "null", so `new URL(a).origin === new URL(b).origin`
// would call app://timenest and app://evil the same origin: compare scheme + host + port.

export const APP_SCHEME = 'app';
export const APP_HOST = 'timenest';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** scheme://host[:port] of an app:, http: or https: URL without credentials; else null. */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.username !== '' || parsed.password !== '' || parsed.host === '') return null;
  const allowedProtocols = [`${APP_SCHEME}:`, 'http:', 'https:'];
  if (!allowedProtocols.includes(parsed.protocol)) return null;
  return `${parsed.protocol}//${parsed.host}`;
}

/** True only when `url` is served from exactly `appOrigin`. */
export function isAppUrl(url: string, appOrigin: string): boolean {
  const origin = originOf(url);
  return origin !== null && origin === originOf(appOrigin);
}

/** The origin the window's pages come from: the dev server's in development, else app://. */
export function resolveAppOrigin(rendererDevUrl: string | null): string {
  if (rendererDevUrl === null) return APP_ORIGIN;
  const origin = originOf(rendererDevUrl);
  if (origin === null) throw new Error('The renderer dev server URL has no usable origin');
  return origin;
}

/** The first page the window loads: the root, so the renderer's history router starts
 * at "/" (the protocol answers it with index.html). */
export function rendererEntryUrl(rendererDevUrl: string | null): string {
  return rendererDevUrl ?? `${APP_ORIGIN}/`;
}
