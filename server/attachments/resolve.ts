// The uploads a push's sends name, checked before the sends are stored: each must be the
// caller's own, complete, and an image where the message says image. A send refused here
// stores nothing; one whose message is stored already (a retry) goes on, to be answered
// as the duplicate it is.
import { attachmentPath, isInlineImageType } from '../../shared/attachments.ts';
import type { OpOfKind, OpResult } from '../../shared/sync/protocol.ts';
import type { StoredAttachmentMeta } from '../chat/rows.ts';
import type { SqlRunner } from '../db/sql.ts';
import { rejected } from '../sync/context.ts';
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
): Promise<{ resolved: Map<string, ResolvedAttachment>; refused: Map<string, OpResult> }> {
  const resolved = new Map<string, ResolvedAttachment>();
  const refused = new Map<string, OpResult>();
  const carrying = ops.filter((op) => op.attachment);
  if (carrying.length === 0) return { resolved, refused };
  const uploads = await findUploads(sql, [
    ...new Set(carrying.map((op) => op.attachment?.uploadId ?? '')),
  ]);
  const problems = new Map<SendOp, string>();
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
  if (problems.size === 0) return { resolved, refused };
  const stored = await sql.rows<{ client_msg_id: string }>(
    `SELECT client_msg_id FROM messages WHERE sender_id = ? AND client_msg_id IN (${[
      ...problems.keys(),
    ]
      .map(() => '?')
      .join(', ')})`,
    [callerId, ...[...problems.keys()].map((op) => op.clientMsgId)],
  );
  const isStored = new Set(stored.map((r) => r.client_msg_id.toLowerCase()));
  for (const [op, problem] of problems) {
    if (!isStored.has(op.clientMsgId)) {
      refused.set(op.opId, rejected(op.opId, 'VALIDATION_FAILED', problem));
    }
  }
  return { resolved, refused };
}
