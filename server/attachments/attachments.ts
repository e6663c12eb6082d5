// The attachment service of one instance: the upload endpoint, downloads, releasing the
// bytes of deleted messages, and a sweep of what was uploaded and never sent.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.ts';
import type { Services } from '../services.ts';
import type { BlobStore } from './blob-store.ts';
import { serveAttachment } from './download.ts';
import { createUploadEndpoint } from './tus-endpoint.ts';
import { dropUpload, staleUploads, withBlobLock } from './upload-rows.ts';

/** An upload no message took is kept this long (a device may send it after a restart). */
const UNSENT_KEEP_MS = 24 * 60 * 60 * 1000;
const SWEEP_EVERY_MS = 10 * 60 * 1000;

export interface Attachments {
  handleUpload(req: IncomingMessage, res: ServerResponse): Promise<void>;
  serve(req: IncomingMessage, res: ServerResponse, uploadId: string): Promise<void>;
  release(uploadId: string): Promise<void>;
  /** Drops uploads older than `keepMs` that no live message carries. */
  sweep(keepMs?: number): Promise<number>;
  close(): void;
}

export type AttachmentDeps = Pick<Services, 'db' | 'sql' | 'config'>;

export function createAttachments(
  services: AttachmentDeps,
  directory: string,
  log: Logger,
  blobs: BlobStore,
): Attachments {
  const endpoint = createUploadEndpoint(services, blobs, directory);

  const release = async (uploadId: string) => {
    const unnamed = await dropUpload(services.sql, uploadId);
    await endpoint.discardIncoming(uploadId);
    if (!unnamed) return;
    await withBlobLock(services.sql, unnamed, async () => {
      const [named] = await services.sql.rows<{ n: number }>(
        'SELECT COUNT(*) AS n FROM uploads WHERE sha256 = ?',
        [unnamed],
      );
      if ((named?.n ?? 0) === 0) await blobs.remove(unnamed);
    });
  };

  const sweep = async (keepMs = UNSENT_KEEP_MS) => {
    const stale = await staleUploads(services.sql, new Date(Date.now() - keepMs), 500);
    for (const uploadId of stale) await release(uploadId);
    return stale.length;
  };

  const timer = setInterval(() => {
    sweep().catch((error: unknown) => log.warn({ err: error }, 'attachment sweep failed'));
  }, SWEEP_EVERY_MS);
  timer.unref();

  return {
    handleUpload: endpoint.handle,
    serve: (req, res, uploadId) => serveAttachment(services, blobs, req, res, uploadId),
    release,
    sweep,
    close: () => clearInterval(timer),
  };
}
