// Serves the built renderer from app://timenest/ instead of file://, so pages get a real
// origin, a CSP header and no access to the rest of the disk. The scheme must be
// registered as privileged before the app is ready; the handler is installed after.
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-origin.ts';

/** For protocol.registerSchemesAsPrivileged. No bypassCSP, no service workers. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

type PathApi = Pick<typeof path, 'resolve' | 'relative' | 'isAbsolute' | 'extname' | 'join'>;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const FORBIDDEN_IN_PATH = /[\u0000-\u001f\\:]/;

/**
 * The file under `rootDir` that an app:// URL names, or null when the URL is for
 * another host or would leave `rootDir`. Paths without an extension are client-side
 * routes and get index.html.
 */
export function resolveAppFilePath(
  requestUrl: string,
  rootDir: string,
  pathApi: PathApi = path,
): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  // Backslashes and drive letters are separators and roots on Windows; no asset has them.
  if (FORBIDDEN_IN_PATH.test(decoded)) return null;
  const relativePath = decoded === '/' || pathApi.extname(decoded) === '' ? '/index.html' : decoded;
  const root = pathApi.resolve(rootDir);
  const resolved = pathApi.resolve(root, `.${relativePath}`);
  const fromRoot = pathApi.relative(root, resolved);
  if (fromRoot === '' || fromRoot.startsWith('..') || pathApi.isAbsolute(fromRoot)) return null;
  return pathApi.join(root, fromRoot);
}

export interface AppProtocolOptions {
  rootDir: string;
  readFile: (filePath: string) => Promise<Uint8Array | null>;
  contentSecurityPolicy: string;
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
}

export function createAppProtocolHandler(
  options: AppProtocolOptions,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers: { Allow: 'GET, HEAD' } });
    }
    const filePath = resolveAppFilePath(request.url, options.rootDir);
    if (filePath === null) return notFound();
    let body: Uint8Array | null;
    try {
      body = await options.readFile(filePath);
    } catch {
      body = null;
    }
    if (body === null) return notFound();
    return new Response(request.method === 'HEAD' ? null : Buffer.from(body), {
      status: 200,
      headers: {
        'Content-Type': contentTypeFor(filePath),
        'Content-Security-Policy': options.contentSecurityPolicy,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  };
}
