// CORS for the web app and the desktop app's app:// origin, which call the API from
// another origin. Only listed origins get CORS headers; others get none.
import type { IncomingMessage, ServerResponse } from 'node:http';

// The tus protocol's own headers (resumable uploads) and byte ranges (downloads).
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'trpc-accept',
  'range',
  'tus-resumable',
  'upload-length',
  'upload-offset',
  'upload-metadata',
  'upload-defer-length',
  'x-http-method-override',
].join(', ');
const EXPOSED_HEADERS = [
  'retry-after',
  'location',
  'tus-resumable',
  'tus-max-size',
  'upload-offset',
  'upload-length',
  'content-range',
  'content-disposition',
].join(', ');

export function applyCors(
  req: IncomingMessage,
  res: ServerResponse,
  allowed: ReadonlySet<string>,
): boolean {
  const origin = req.headers.origin;
  if (origin && allowed.has(origin)) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'origin');
    res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
    res.setHeader('access-control-allow-methods', 'GET, HEAD, POST, PATCH, DELETE, OPTIONS');
    res.setHeader('access-control-max-age', '600');
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(204).end();
    return true;
  }
  return false;
}
