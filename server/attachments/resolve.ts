// The uploads a push's sends name, checked before the sends are stored: each must be the
// caller's own, complete, and an image where the message says image. What is wrong is
// answered by send-refusals.ts.
import { attachmentPath, isInlineImageType } from '../../shared/attachments.ts';
import type { OpOfKind } from '../../shared/sync/protocol.ts';
import type { StoredAttachmentMeta } from '../chat/rows.ts';
import type { SqlRunner } from '../db/sql.ts';
import { findUploads, type UploadRow } from './upload-rows.ts';

type SendOp = OpOfKind<'send'>;

/** The columns a send with an attachment stores. */
export interface ResolvedAttachment {
  attachmentId: string;
  fileUrl: string;
  fileName: string;
  fileSize: number;
  meta: StoredAttachmentMeta;
}

function problemOf(op: SendOp, row: UploadRow | undefined, callerId: number): string | null {
  if (!row || row.uploader_id !== callerId) return 'upload not found';
  if (!row.completed_at || !row.sha256 || !row.content_type) return 'upload not finished';
  if (op.messageType === 'image' && !isInlineImageType(row.content_type)) {
    return `the file is ${row.content_type}, not an image that can be shown: send it as a file`;
  }
  return null;
}

export async function resolveSendAttachments(
  sql: SqlRunner,
  callerId: number,
  ops: readonly SendOp[],
): Promise<{ resolved: Map<string, ResolvedAttachment>; problems: Map<SendOp, string> }> {
  const resolved = new Map<string, ResolvedAttachment>();
  const problems = new Map<SendOp, string>();
  const carrying = ops.filter((op) => op.attachment);
  if (carrying.length === 0) return { resolved, problems };
  const uploads = await findUploads(sql, [
    ...new Set(carrying.map((op) => op.attachment?.uploadId ?? '')),
  ]);
  for (const op of carrying) {
    const row = uploads.get(op.attachment?.uploadId ?? '');
    const problem = problemOf(op, row, callerId);
    if (problem) {
      problems.set(op, problem);
      continue;
    }
    if (!row || !op.attachment) continue;
    const image = op.attachment.image;
    resolved.set(op.clientMsgId, {
      attachmentId: row.upload_id,
      fileUrl: attachmentPath(row.upload_id),
      fileName: row.file_name,
      fileSize: row.file_size,
      meta: {
        contentType: row.content_type ?? 'application/octet-stream',
        width: image?.width ?? null,
        height: image?.height ?? null,
        thumbnail: image?.thumbnail ?? null,
      },
    });
  }
  return { resolved, problems };
}
