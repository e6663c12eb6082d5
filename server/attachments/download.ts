// GET /api/v1/attachments/<uploadId>: an attachment's bytes, for members of a
// conversation holding a live message that carries it (404 to everyone else, as for
// conversations). Served as an image only when the bytes sniffed as one the app shows
// inline, else as a download; never sniffed again by the browser, never run. A single
// byte range resumes a download cut short.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { isInlineImageType, uploadIdSchema } from '../../shared/attachments.ts';
import { resolveSession } from '../auth/accounts.ts';
import { AppError, unauthenticated } from '../errors.ts';
import { bearerToken } from '../http/respond.ts';
import type { AttachmentDeps } from './attachments.ts';
import type { BlobStore } from './blob-store.ts';

interface Readable {
  sha256: string;
  content_type: string;
  file_size: number;
  file_name: string | null;
}

/** RFC 6266/8187: an ASCII fallback and the exact name in UTF-8. */
function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  const [, from = '', to = ''] = match;
  const start = from === '' ? Math.max(0, size - Number(to)) : Number(from);
  const end = from === '' || to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (start > end || start >= size) return 'unsatisfiable';
  return { start, end };
}

export async function serveAttachment(
  services: AttachmentDeps,
  blobs: BlobStore,
  req: IncomingMessage,
  res: ServerResponse,
  uploadIdText: string,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new AppError('VALIDATION_FAILED', `method ${req.method} not allowed`);
  }
  const identity = await resolveSession(
    services.db,
    bearerToken(req),
    services.config.SESSION_IDLE_DAYS,
  );
  if (!identity) throw unauthenticated();
  const uploadId = uploadIdSchema.safeParse(uploadIdText);
  if (!uploadId.success) throw new AppError('NOT_FOUND', 'attachment not found');
  const [row] = await services.sql.rows<Readable>(
    `SELECT u.sha256, u.content_type, u.file_size, m.file_name
       FROM messages m
       JOIN conversation_members mm
         ON mm.conversation_id = m.conversation_id AND mm.user_id = ?
       JOIN uploads u ON u.upload_id = m.attachment_id AND u.sha256 IS NOT NULL
      WHERE m.attachment_id = ? AND m.is_deleted = 0
        AND m.message_id >= mm.history_from
        AND m.message_id <= COALESCE(mm.history_to, m.message_id)
      LIMIT 1`,
    [identity.userId, uploadId.data],
  );
  const size = row ? await blobs.size(row.sha256) : null;
  if (!row || size === null) throw new AppError('NOT_FOUND', 'attachment not found');

  const isImage = isInlineImageType(row.content_type);
  const name = row.file_name ?? 'attachment';
  res.setHeader('content-type', isImage ? row.content_type : 'application/octet-stream');
  res.setHeader('content-disposition', contentDisposition(isImage ? 'inline' : 'attachment', name));
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('content-security-policy', "default-src 'none'; sandbox");
  res.setHeader('cache-control', 'private, no-store');
  res.setHeader('accept-ranges', 'bytes');
  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  if (range) {
    res.writeHead(206, {
      'content-range': `bytes ${range.start}-${range.end}/${size}`,
      'content-length': range.end - range.start + 1,
    });
  } else {
    res.writeHead(200, { 'content-length': size });
  }
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(blobs.read(row.sha256, range ?? undefined), res);
}
