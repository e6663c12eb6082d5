// The originals a push's replies name, checked before the sends are stored: each must be
// a message of the same conversation, named by its server id, or the caller's own by the
// id their device gave it — stored already, or sent earlier in the same run. A send
// refused here stores nothing; one whose message is stored already (a retry) goes on, to
// be answered as the duplicate it is (send-refusals.ts).

import type { ReplyView } from '../../shared/replies.ts';
import type { OpOfKind } from '../../shared/sync/protocol.ts';
import type { ResolvedAttachment } from '../attachments/resolve.ts';
import { replyViewOf } from '../chat/rows.ts';
import { placeholders, type SqlRunner } from '../db/sql.ts';

type SendOp = OpOfKind<'send'>;

/** What a reply stores: the original's id, or, for an original stored by the same
 * statement, its client id (the id is filled in once the statement gave it one). */
export interface ResolvedReply {
  replyToId: number | null;
  sameRunClientMsgId: string | null;
  /** The quote, its messageId 0 until a same-run original has its id. */
  view: ReplyView;
}

interface OriginalRow {
  message_id: number;
  conversation_id: number;
  sender_id: number;
  message_type: string | null;
  content: string;
  file_name: string | null;
  is_deleted: number | boolean | null;
  client_msg_id: string | null;
}

const NOT_FOUND = 'replyTo: the message it answers is not in this conversation';

async function originals(
  sql: SqlRunner,
  callerId: number,
  ids: readonly number[],
  clientIds: readonly string[],
): Promise<OriginalRow[]> {
  const where = [
    ...(ids.length ? [`message_id IN (${placeholders(ids.length)})`] : []),
    ...(clientIds.length
      ? [`(sender_id = ? AND client_msg_id IN (${placeholders(clientIds.length)}))`]
      : []),
  ];
  if (where.length === 0) return [];
  return sql.rows<OriginalRow>(
    `SELECT message_id, conversation_id, sender_id, message_type, content, file_name, is_deleted,
            client_msg_id
       FROM messages WHERE ${where.join(' OR ')}`,
    [...ids, ...(clientIds.length ? [callerId, ...clientIds] : [])],
  );
}

const viewOfRow = (row: OriginalRow): ReplyView =>
  replyViewOf({
    messageId: row.message_id,
    senderId: row.sender_id,
    messageType: row.message_type,
    content: row.content,
    fileName: row.file_name,
    isDeleted: row.is_deleted,
  });

export async function resolveSendReplies(
  sql: SqlRunner,
  callerId: number,
  conversationId: number,
  ops: readonly SendOp[],
  attachments: ReadonlyMap<string, ResolvedAttachment>,
): Promise<{ resolved: Map<string, ResolvedReply>; problems: Map<SendOp, string> }> {
  const resolved = new Map<string, ResolvedReply>();
  const problems = new Map<SendOp, string>();
  const replying = ops.filter((op) => op.replyTo);
  if (replying.length === 0) return { resolved, problems };
  const ids: number[] = [];
  const clientIds: string[] = [];
  for (const op of replying) {
    if (op.replyTo && 'messageId' in op.replyTo) ids.push(op.replyTo.messageId);
    else if (op.replyTo) clientIds.push(op.replyTo.clientMsgId);
  }
  const rows = await originals(sql, callerId, [...new Set(ids)], [...new Set(clientIds)]);
  // A member added to a group later may not quote what was said before they came.
  const [member] = await sql.rows<{ history_from: number }>(
    'SELECT history_from FROM conversation_members WHERE conversation_id = ? AND user_id = ?',
    [conversationId, callerId],
  );
  const historyFrom = member?.history_from ?? 0;
  const byId = new Map(rows.map((r) => [r.message_id, r]));
  const byClientId = new Map(
    rows.filter((r) => r.sender_id === callerId).map((r) => [r.client_msg_id ?? '', r]),
  );
  const earlierInRun = new Map<string, SendOp>();
  for (const op of ops) {
    const ref = op.replyTo;
    if (ref) {
      const row = 'messageId' in ref ? byId.get(ref.messageId) : byClientId.get(ref.clientMsgId);
      const sameRun = 'clientMsgId' in ref ? earlierInRun.get(ref.clientMsgId) : undefined;
      if (row && row.conversation_id === conversationId && row.message_id >= historyFrom) {
        resolved.set(op.clientMsgId, {
          replyToId: row.message_id,
          sameRunClientMsgId: null,
          view: viewOfRow(row),
        });
      } else if (!row && sameRun) {
        resolved.set(op.clientMsgId, {
          replyToId: null,
          sameRunClientMsgId: sameRun.clientMsgId,
          view: replyViewOf({
            messageId: 0,
            senderId: callerId,
            messageType: sameRun.messageType,
            content: sameRun.content,
            fileName: attachments.get(sameRun.clientMsgId)?.fileName ?? null,
            isDeleted: false,
          }),
        });
      } else {
        problems.set(op, NOT_FOUND);
      }
    }
    earlierInRun.set(op.clientMsgId, op);
  }
  return { resolved, problems };
}
