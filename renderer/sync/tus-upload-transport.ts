// Uploads over the tus protocol (tus-js-client) to the server's /api/v1/uploads/. The
// upload's URL is kept by the upload queue in IndexedDB, not by the library (no
// localStorage fingerprints), and retries are the queue's too, with its backoff.
import { DetailedError, Upload } from 'tus-js-client';
import { z } from 'zod';
import { UPLOADS_PATH } from '../../shared/attachments.ts';
import type { ServerAuth } from '../../shared/platform/server-auth.ts';
import { UploadRefused, type UploadTransport, UploadUnknown } from './uploads.ts';

/** Large enough that a loopback or LAN upload is not slowed by round trips, small enough
 * that a PATCH finishes within the server's request timeout on a slow line. */
const CHUNK_BYTES = 8 * 1024 * 1024;

const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** What a failed tus request means for the queue: refused for good, unknown to the
 * server (start over), or null: worth another try. */
export function uploadFailureOf(error: unknown): UploadRefused | UploadUnknown | null {
  if (!(error instanceof DetailedError) || !error.originalResponse) return null;
  const status = error.originalResponse.getStatus();
  // Resuming an upload the server no longer has (expired, swept): start over.
  if (status === 404 || status === 410) return new UploadUnknown();
  // 401 (signed out), 409/423 (offset race, locked), 429 and 5xx are worth another try.
  if (status < 400 || status >= 500 || [401, 409, 423, 429].includes(status)) return null;
  const parsed = errorBodySchema.safeParse(
    (() => {
      try {
        return JSON.parse(error.originalResponse.getBody());
      } catch {
        return null;
      }
    })(),
  );
  return parsed.success
    ? new UploadRefused(parsed.data.error.code, parsed.data.error.message)
    : new UploadRefused('VALIDATION_FAILED', `the server refused the file (${status})`);
}

export function createTusUploadTransport(options: {
  baseUrl: string;
  auth: ServerAuth;
  chunkBytes?: number;
}): UploadTransport {
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}${UPLOADS_PATH}`;
  const { auth } = options;
  return {
    upload(job) {
      return new Promise((resolve, reject) => {
        const upload = new Upload(job.blob, {
          endpoint,
          uploadUrl: job.url,
          metadata: { filename: job.fileName },
          headers: auth.authHeaders(),
          chunkSize: options.chunkBytes ?? CHUNK_BYTES,
          retryDelays: null,
          storeFingerprintForResuming: false,
          onUploadUrlAvailable: () => {
            if (upload.url) job.onUrl(upload.url);
          },
          onProgress: job.onProgress,
          onSuccess: () => {
            const uploadId = upload.url?.split('/').at(-1) ?? '';
            resolve({ uploadId });
          },
          onError: (error) => reject(uploadFailureOf(error) ?? error),
        });
        // tus-js-client's abort settles nothing: the job ends here, or it would hold its
        // place in the queue forever.
        const stop = () => {
          void upload.abort(false);
          reject(job.signal.reason);
        };
        job.signal.addEventListener('abort', stop, { once: true });
        upload.start();
      });
    },
    async cancel(url) {
      await fetch(url, {
        method: 'DELETE',
        headers: { ...auth.authHeaders(), 'tus-resumable': '1.0.0' },
      });
    },
  };
}
