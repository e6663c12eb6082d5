// Automatic downloads (DESIGN §4a): the leading engine fetches the bytes of received
// files up to the size the user chose, a few at a time, so they open offline later.
// A received attachment is marked in the same transaction that stores its message; the
// mark is the queue, so a reload or a restart picks up where it was. Nothing is fetched
// for a message deleted meanwhile, a file over the size, or bytes already here.
import { type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.ts';
import type { ChatDatabase, LocalMessage } from './db.ts';
import { createRetrySchedule } from './retry-schedule.ts';

/** Received files older than this are not fetched by themselves (a new device's first
 * sync would otherwise fetch its whole history). */
export const AUTO_DOWNLOAD_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export interface DownloadTransport {
  /** The bytes at the server's `file_url`; throws DownloadGone when it no longer has them. */
  download(fileUrl: string, signal: AbortSignal): Promise<Blob>;
}

/** The server answered 404: the file was deleted or never was; not retried. */
export class DownloadGone extends Error {}

export interface DownloaderOptions {
  db: ChatDatabase;
  transport: DownloadTransport;
  /** The largest file fetched by itself; 0 fetches none. Read for each file. */
  limitBytes(): number;
  maxParallel?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  now?: () => number;
}

export interface Downloader {
  start(): void;
  stop(): void;
  /** Looks for marked files now (new ones arrived, or back online). */
  kick(): void;
}

/** Whether a received message's file is one to fetch by itself, when it is stored. */
export function isAutoDownloadCandidate(message: LocalMessage, now: number): boolean {
  return (
    !message.isDeleted &&
    Boolean(message.attachment?.fileUrl) &&
    now - Date.parse(message.createdAt) <= AUTO_DOWNLOAD_MAX_AGE_MS
  );
}

export function createDownloader(options: DownloaderOptions): Downloader {
  const { db, transport } = options;
  const running = new Map<string, AbortController>();
  const schedule = createRetrySchedule({
    maxParallel: options.maxParallel ?? 2,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
  });
  let isActive = false;

  const unmark = (key: string) => db.attachments.update(key, { downloadWaiting: undefined });

  async function pump(): Promise<void> {
    if (!isActive) return;
    const waiting = await db.attachments.where('downloadWaiting').equals(1).primaryKeys();
    for (const key of schedule.due(waiting, running, () => void pump())) void run(key);
  }

  async function run(key: string): Promise<void> {
    const controller = new AbortController();
    running.set(key, controller);
    try {
      const [row, message] = await Promise.all([db.attachments.get(key), db.messages.get(key)]);
      if (!row?.downloadWaiting) return;
      const fileUrl = message?.attachment?.fileUrl;
      if (!message || message.isDeleted || row.blob || !fileUrl) {
        await unmark(key);
        return;
      }
      if ((message.attachment?.size ?? 0) > options.limitBytes()) {
        await unmark(key);
        return;
      }
      const blob = await transport.download(fileUrl, controller.signal);
      await db.transaction('rw', [db.attachments, db.messages], async () => {
        const [current, stillThere] = await Promise.all([
          db.attachments.get(key),
          db.messages.get(key),
        ]);
        // Deleted while it came: its row went with the message, and nothing is kept.
        if (!current || !stillThere || stillThere.isDeleted) return;
        const { downloadWaiting: _done, ...kept } = current;
        await db.attachments.put({ ...kept, blob: current.blob ?? blob });
      });
      schedule.succeeded(key);
    } catch (error) {
      if (controller.signal.aborted) return;
      if (error instanceof DownloadGone) {
        await unmark(key);
        return;
      }
      schedule.failed(key);
    } finally {
      running.delete(key);
      void pump();
    }
  }

  return {
    start() {
      if (isActive) return;
      isActive = true;
      void pump();
    },
    stop() {
      isActive = false;
      schedule.stop();
      for (const controller of running.values()) controller.abort();
    },
    kick() {
      schedule.release();
      void pump();
    },
  };
}
