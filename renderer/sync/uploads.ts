// The upload queue (DESIGN §4a): the leading engine uploads the files queued on this
// device, a few at a time, resuming each from the server's offset after a drop or a
// restart. When the server has every byte, the message's send leaves the outbox's
// waiting room in the same transaction that records the upload, so the message reaches
// nobody before its bytes are there and a crash between the two loses nothing. A
// discarded message stops its upload and ends it on the server.
import { type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.ts';
import { refreshConversationStats } from './conversation-stats.ts';
import type { ChatDatabase, LocalAttachment } from './db.ts';
import { imageMetaOf } from './local-writes.ts';
import { createRetrySchedule } from './retry-schedule.ts';
import { uploadProgress } from './upload-progress.ts';

/** How often running uploads check that their messages are still wanted. */
const WATCH_MS = 2_000;

export interface UploadJob {
  blob: Blob;
  fileName: string;
  /** The upload to resume; null starts a new one. */
  url: string | null;
  onUrl(url: string): void;
  onProgress(sent: number, total: number): void;
  signal: AbortSignal;
}

export interface UploadTransport {
  /** Uploads every byte; resolves with the server's name for the upload. */
  upload(job: UploadJob): Promise<{ uploadId: string }>;
  /** Ends an unfinished upload on the server. */
  cancel(url: string): Promise<void>;
}

/** The server refused the file for good (too large, a program, …): not retried. */
export class UploadRefused extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The server no longer knows the upload being resumed: it starts again. */
export class UploadUnknown extends Error {}

export interface UploaderOptions {
  db: ChatDatabase;
  userId: number;
  transport: UploadTransport;
  /** A send left the waiting room: push it. */
  onSendReady(): void;
  maxParallel?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
}

export interface Uploader {
  start(): void;
  /** Stops every upload where it is (they resume on the next start). */
  stop(): void;
  /** Tries waiting uploads again now (back online). */
  kick(): void;
}

export function createUploader(options: UploaderOptions): Uploader {
  const { db, userId, transport } = options;
  const running = new Map<string, { controller: AbortController; url: string | null }>();
  const schedule = createRetrySchedule({
    maxParallel: options.maxParallel ?? 2,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    random: options.random ?? Math.random,
    now: Date.now,
  });
  let watchTimer: ReturnType<typeof setInterval> | null = null;
  let isActive = false;

  const waitingKeys = () => db.attachments.where('uploadWaiting').equals(1).primaryKeys();

  async function pump(): Promise<void> {
    if (!isActive) return;
    const waiting = await waitingKeys();
    stopRemoved(waiting);
    for (const key of schedule.due(waiting, running, () => void pump())) void run(key);
  }

  /** A running upload whose row went (the message was discarded) stops, and its partial
   * bytes are dropped on the server. */
  function stopRemoved(waiting: readonly string[]): void {
    const present = new Set(waiting);
    for (const [key, job] of running) {
      if (present.has(key)) continue;
      void db.attachments.get(key).then((row) => {
        if (row?.upload?.state === 'queued') return;
        job.controller.abort();
        if (!row && job.url) void transport.cancel(job.url).catch(() => undefined);
      });
    }
  }

  async function run(key: string): Promise<void> {
    const controller = new AbortController();
    const job = { controller, url: null as string | null };
    running.set(key, job);
    try {
      const [row, message] = await Promise.all([db.attachments.get(key), db.messages.get(key)]);
      if (!row?.blob || !row.upload || row.upload.state !== 'queued' || !message) return;
      job.url = row.upload.url;
      const { uploadId } = await transport.upload({
        blob: row.blob,
        fileName: message.attachment?.fileName ?? 'attachment',
        url: row.upload.url,
        onUrl: (url) => {
          job.url = url;
          void db.attachments.update(key, { 'upload.url': url });
        },
        onProgress: (sent, total) => uploadProgress.set(key, { sent, total }),
        signal: controller.signal,
      });
      schedule.succeeded(key);
      if (await finish(key, uploadId)) options.onSendReady();
    } catch (error) {
      if (controller.signal.aborted) return;
      if (error instanceof UploadUnknown) {
        await db.attachments.update(key, { 'upload.url': null });
      } else if (error instanceof UploadRefused) {
        await refuse(key, { code: error.code, reason: error.reason });
      } else {
        schedule.failed(key);
      }
    } finally {
      running.delete(key);
      uploadProgress.clear(key);
      void pump();
    }
  }

  /** Records the finished upload and lets its send go; false if the message went. */
  function finish(key: string, uploadId: string): Promise<boolean> {
    return db.transaction('rw', [db.attachments, db.outbox, db.messages], async () => {
      const [row, message] = await Promise.all([db.attachments.get(key), db.messages.get(key)]);
      if (!row?.upload || !message) return false;
      const image = message.messageType === 'image' ? imageMetaOf(message.attachment) : null;
      const upload: LocalAttachment['upload'] = {
        ...row.upload,
        state: 'done',
        uploadId,
        error: null,
      };
      await db.attachments.update(key, { upload, uploadWaiting: undefined });
      await db.outbox
        .where('clientMsgId')
        .equals(key)
        .modify((entry) => {
          if (!entry.waitsForUpload || entry.op.kind !== 'send') return;
          entry.op = { ...entry.op, attachment: { uploadId, ...(image ? { image } : {}) } };
          delete entry.waitsForUpload;
        });
      return true;
    });
  }

  async function refuse(key: string, failure: { code: string; reason: string }): Promise<void> {
    await db.transaction(
      'rw',
      [db.attachments, db.outbox, db.messages, db.conversations],
      async () => {
        const row = await db.attachments.get(key);
        if (!row?.upload) return;
        await db.attachments.update(key, {
          upload: { ...row.upload, state: 'failed', url: null, error: failure },
          uploadWaiting: undefined,
        });
        await db.outbox
          .where('clientMsgId')
          .equals(key)
          .modify((entry) => {
            entry.rejected ??= failure;
          });
        await db.messages.update(key, { status: 'failed', failure });
        await refreshConversationStats(db, userId, [row.convKey]);
      },
    );
  }

  return {
    start() {
      if (isActive) return;
      isActive = true;
      // Writes in this tab and the others kick the queue (see engine.ts); this catches a
      // message discarded while its file uploads.
      watchTimer = setInterval(() => {
        if (running.size > 0) void pump();
      }, WATCH_MS);
      void pump();
    },
    stop() {
      isActive = false;
      if (watchTimer !== null) clearInterval(watchTimer);
      watchTimer = null;
      schedule.stop();
      for (const job of running.values()) job.controller.abort();
    },
    kick() {
      schedule.release();
      void pump();
    },
  };
}
