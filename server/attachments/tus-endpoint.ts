// Resumable uploads (the tus protocol, @tus/server) at /api/v1/uploads/. Every request
// proves a session before any byte is read, and names only the caller's own uploads;
// the size and the file's name are checked when the upload is created, the bytes once
// it is complete: hashed (the blob's name), sniffed (its type, never the client's word),
// refused if they are a program, then handed to the blob store. An upload stays
// resumable across restarts: its bytes and offset are files under `incoming/`.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';
import { Server, Upload } from '@tus/server';
import { fileTypeFromFile } from 'file-type';
import {
  ATTACHMENT_LIMITS,
  fileNameSchema,
  REFUSED_SNIFFED_TYPES,
  REFUSED_TYPE_REASON,
  refusalOf,
  UPLOADS_PATH,
  uploadIdSchema,
} from '../../shared/attachments.ts';
import { resolveSession } from '../auth/accounts.ts';
import type { AttachmentDeps } from './attachments.ts';
import type { BlobStore } from './blob-store.ts';
import { createRunningHashes, type RunningHashes } from './running-hashes.ts';
import {
  completeUpload,
  countUnsentUploads,
  findUpload,
  insertUpload,
  withBlobLock,
} from './upload-rows.ts';

/** What a hook throws to answer the request: @tus/server sends it as the response. */
interface Refusal {
  status_code: number;
  body: string;
}

function refusal(status: number, code: string, message: string): Refusal {
  return { status_code: status, body: JSON.stringify({ error: { code, message } }) };
}

/** A finished upload whose bytes went to the blob store still answers HEAD with its
 * whole length, so a device that missed the last answer learns it is done. */
class UploadsStore extends FileStore {
  constructor(
    directory: string,
    private readonly isComplete: (id: string) => Promise<number | null>,
    readonly hashes: RunningHashes,
  ) {
    super({ directory });
  }

  override async write(bytes: Readable, id: string, offset: number): Promise<number> {
    try {
      const reached = await super.write(this.hashes.tap(id, offset, bytes), id, offset);
      this.hashes.settle(id, reached);
      return reached;
    } catch (error) {
      this.hashes.settle(id, null);
      throw error;
    }
  }

  override async getUpload(id: string): Promise<Upload> {
    try {
      return await super.getUpload(id);
    } catch (error) {
      const size = await this.isComplete(id);
      if (size === null) throw error;
      return new Upload({ id, size, offset: size, metadata: {}, creation_date: undefined });
    }
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function bearer(req: Request): string | null {
  const match = /^Bearer ([^\s]+)$/i.exec(req.headers.get('authorization') ?? '');
  return match?.[1] ?? null;
}

export interface UploadEndpoint {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Removes an unfinished upload's bytes (the sweep). */
  discardIncoming(uploadId: string): Promise<void>;
}

export function createUploadEndpoint(
  services: AttachmentDeps,
  blobs: BlobStore,
  directory: string,
): UploadEndpoint {
  const incoming = join(directory, 'incoming');
  // Who made each request, resolved once per request by the first hook that asks.
  const callers = new WeakMap<Request, Promise<number | null>>();
  const callerOf = (req: Request) => {
    let caller = callers.get(req);
    if (!caller) {
      caller = resolveSession(services.db, bearer(req), services.config.SESSION_IDLE_DAYS).then(
        (identity) => identity?.userId ?? null,
      );
      callers.set(req, caller);
    }
    return caller;
  };
  const hashes = createRunningHashes();
  const store = new UploadsStore(
    incoming,
    async (id) => {
      const row = await findUpload(services.sql, id);
      return row?.completed_at ? row.file_size : null;
    },
    hashes,
  );

  const tus = new Server({
    path: UPLOADS_PATH.replace(/\/$/, ''),
    datastore: store,
    maxSize: ATTACHMENT_LIMITS.maxBytes,
    relativeLocation: true,
    // A finished upload is the blob store's; DELETE cancels only unfinished ones.
    disableTerminationForFinishedUploads: true,
    namingFunction: () => randomBytes(16).toString('hex'),
    async onIncomingRequest(req, uploadId) {
      const caller = await callerOf(req);
      if (caller === null) throw refusal(401, 'UNAUTHENTICATED', 'sign in to upload');
      if (req.method === 'POST') return;
      // Someone else's upload, or no upload at all: the same answer.
      const row = uploadIdSchema.safeParse(uploadId).success
        ? await findUpload(services.sql, uploadId)
        : null;
      if (!row || row.uploader_id !== caller) throw refusal(404, 'NOT_FOUND', 'upload not found');
    },
    async onUploadCreate(req, upload) {
      const caller = await callerOf(req);
      if (caller === null) throw refusal(401, 'UNAUTHENTICATED', 'sign in to upload');
      if (upload.size === undefined) {
        throw refusal(400, 'VALIDATION_FAILED', 'the upload must say its length');
      }
      const name = fileNameSchema.safeParse(upload.metadata?.filename ?? '');
      if (!name.success) {
        throw refusal(400, 'VALIDATION_FAILED', `filename: ${name.error.issues[0]?.message}`);
      }
      const refused = refusalOf({ name: name.data, size: upload.size });
      if (refused) throw refusal(422, 'VALIDATION_FAILED', refused);
      if (
        (await countUnsentUploads(services.sql, caller)) >= ATTACHMENT_LIMITS.unsentUploadsPerUser
      ) {
        throw refusal(
          429,
          'RATE_LIMITED',
          `at most ${ATTACHMENT_LIMITS.unsentUploadsPerUser} files can wait to be sent`,
        );
      }
      await insertUpload(services.sql, {
        uploadId: upload.id,
        uploaderId: caller,
        fileName: name.data,
        fileSize: upload.size,
      });
      return { metadata: { filename: name.data } };
    },
    async onUploadFinish(_req, upload) {
      const path = join(incoming, upload.id);
      const size = upload.size ?? upload.offset;
      const [sha256, sniffed] = await Promise.all([
        hashes.digest(upload.id, size) ?? sha256Of(path),
        fileTypeFromFile(path),
      ]);
      const contentType = sniffed?.mime ?? 'application/octet-stream';
      if (REFUSED_SNIFFED_TYPES.has(contentType)) {
        await discard(upload.id);
        await services.sql.write('DELETE FROM uploads WHERE upload_id = ?', [upload.id]);
        throw refusal(422, 'VALIDATION_FAILED', REFUSED_TYPE_REASON);
      }
      await withBlobLock(services.sql, sha256, async () => {
        await blobs.adopt(sha256, path);
        await completeUpload(services.sql, upload.id, { sha256, contentType });
      });
      await rm(`${path}.json`, { force: true });
      return {};
    },
  });

  const discard = async (uploadId: string) => {
    hashes.forget(uploadId);
    const path = join(incoming, uploadId);
    await Promise.all([rm(path, { force: true }), rm(`${path}.json`, { force: true })]);
  };

  return {
    handle: (req, res) => tus.handle(req, res),
    discardIncoming: discard,
  };
}
