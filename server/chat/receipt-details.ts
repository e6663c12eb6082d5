// "Read by 3 of 5": for one of the caller's messages in a group, asked by a current
// member, each other current member who may see it, whether their watermarks cover it, and when the first raise
// that covered it happened (receipt_marks).
import type { ReceiptDetails } from '../../shared/groups.ts';
import type { SqlRunner } from '../db/sql.ts';
import { AppError, notFound } from '../errors.ts';
import { NO_LONGER_A_MEMBER, standingOf } from './membership.ts';

export async function receiptDetails(
  sql: SqlRunner,
  callerId: number,
  input: { conversationId: number; messageId: number },
): Promise<ReceiptDetails> {
  const { conversationId, messageId } = input;
  const standing = await standingOf(sql, conversationId, callerId);
  if (standing && !standing.isCurrent) throw new AppError('FORBIDDEN', NO_LONGER_A_MEMBER);
  const [message] = await sql.rows<{ message_id: number }>(
    `SELECT message_id FROM messages
      WHERE message_id = ? AND conversation_id = ? AND sender_id = ?`,
    [messageId, conversationId, callerId],
  );
  if (!message) throw notFound('message');
  const members = await sql.rows<{
    user_id: number;
    display_name: string;
    delivered_up_to: number;
    read_up_to: number;
  }>(
    `SELECT cm.user_id, u.display_name, cm.delivered_up_to, cm.read_up_to
       FROM conversation_members cm JOIN users u ON u.user_id = cm.user_id
      WHERE cm.conversation_id = ? AND cm.left_at IS NULL AND cm.user_id <> ?
        AND cm.history_from <= ?
      ORDER BY u.display_name, cm.user_id`,
    [conversationId, callerId, messageId],
  );
  const marks = await sql.rows<{ user_id: number; kind: string; at: Date }>(
    `SELECT user_id, kind, MIN(at) AS at FROM receipt_marks
      WHERE conversation_id = ? AND up_to >= ? GROUP BY user_id, kind`,
    [conversationId, messageId],
  );
  const firstAt = new Map(marks.map((m) => [`${m.user_id}:${m.kind}`, m.at.toISOString()]));
  return {
    messageId,
    members: members.map((m) => {
      const isRead = m.read_up_to >= messageId;
      const isDelivered = isRead || m.delivered_up_to >= messageId;
      return {
        userId: m.user_id,
        displayName: m.display_name,
        isDelivered,
        isRead,
        deliveredAt: isDelivered ? (firstAt.get(`${m.user_id}:delivered`) ?? null) : null,
        readAt: isRead ? (firstAt.get(`${m.user_id}:read`) ?? null) : null,
      };
    }),
  };
}
