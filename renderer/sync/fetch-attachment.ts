// Fetches an attachment's bytes with the session, reporting progress as they arrive:
// for a file the user opens, and for the download queue.
import type { ServerAuth } from '../../shared/platform/server-auth.ts';
import { DownloadGone, type DownloadTransport } from './downloads.ts';

export async function fetchAttachment(
  url: string,
  auth: ServerAuth,
  onProgress: (received: number) => void,
  signal?: AbortSignal,
): Promise<Blob> {
  const res = await fetch(url, { headers: auth.authHeaders(), signal });
  if (res.status === 404) throw new DownloadGone('this attachment is no longer available');
  if (!res.ok || !res.body) throw new Error(`the download failed (${res.status})`);
  const type = res.headers.get('content-type') ?? 'application/octet-stream';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    received += value.byteLength;
    onProgress(received);
  }
  return new Blob(parts as BlobPart[], { type });
}

export function createHttpDownloadTransport(options: {
  baseUrl: string;
  auth: ServerAuth;
}): DownloadTransport {
  const base = options.baseUrl.replace(/\/+$/, '');
  return {
    download: (fileUrl, signal) =>
      fetchAttachment(`${base}${fileUrl}`, options.auth, () => {}, signal),
  };
}
