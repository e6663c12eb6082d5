// Conversations: the list with last message and unread count, and membership checks.
// Creating one is the sync's (server/sync/ops/create-conversation.ts): it writes members.
import type { ConversationSummary, ConversationView } from '../../shared/model.ts';
import type { ConversationType } from '../../shared/schemas.ts';
import type { Db } from '../db/prisma.ts';
import type { Tx } from '../db/transaction.ts';
import { notFound } from '../errors.ts';
import { Prisma } from '../generated/prisma/client.ts';
import {
  type ConversationRow,
  conversationSelect,
  MESSAGE_COLUMNS,
  type MessageRow,
  toConversationView,
  toMessageView,
} from './rows.ts';

type Queryable = Db | Tx;

export interface ConversationKey {
  otherUserId: number;
  conversationType: ConversationType;
  contextId: number | null;
  contextTitle: string | null;
}

/** One key per unordered pair, type and context. */
export function pairKey(a: number, b: number, type: ConversationType, contextId: number | null) {
  const [low, high] = a < b ? [a, b] : [b, a];
  return `${low}:${high}:${type}:${contextId ?? 0}`;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function unreadCountColumn(callerId: number): Prisma.Sql {
  return Prisma.sql`, (SELECT COUNT(*) FROM messages mu
    WHERE mu.conversation_id = c.conversation_id AND mu.sender_id <> ${callerId}
      AND mu.status IN ('sent', 'delivered') AND COALESCE(mu.is_deleted, 0) = 0) AS unread_count`;
}

export async function listConversations(
  db: Db,
  callerId: number,
  search?: string,
): Promise<ConversationSummary[]> {
  const term = search ? `%${escapeLike(search)}%` : null;
  const rows = await db.$queryRaw<(ConversationRow & { unread_count: bigint | number })[]>`
    ${conversationSelect(callerId, unreadCountColumn(callerId))}
    WHERE (c.user1_id = ${callerId} OR c.user2_id = ${callerId})
    ${term ? Prisma.sql`AND (u.display_name LIKE ${term} OR c.context_title LIKE ${term})` : Prisma.empty}
    ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.conversation_id DESC`;
  const lastIds = rows.map((r) => r.last_message_id).filter((id): id is number => id != null);
  const lastMessages = lastIds.length
    ? await db.$queryRaw<MessageRow[]>`SELECT ${MESSAGE_COLUMNS} FROM messages m
        WHERE m.message_id IN (${Prisma.join(lastIds)})`
    : [];
  const byId = new Map(lastMessages.map((m) => [m.message_id, toMessageView(m)]));
  return rows.map((row) => ({
    ...toConversationView(row),
    lastMessage: row.last_message_id ? (byId.get(row.last_message_id) ?? null) : null,
    unreadCount: Number(row.unread_count),
  }));
}

export async function findConversationForParticipant(
  db: Queryable,
  callerId: number,
  conversationId: number,
): Promise<ConversationView | null> {
  const rows = await db.$queryRaw<ConversationRow[]>`${conversationSelect(callerId)}
    WHERE c.conversation_id = ${conversationId}
      AND (c.user1_id = ${callerId} OR c.user2_id = ${callerId})`;
  return rows[0] ? toConversationView(rows[0]) : null;
}

/** The conversation, or NOT_FOUND when it does not exist or the caller is not in it:
 * the two cases look the same so a stranger learns nothing. */
export async function getConversationForParticipant(
  db: Queryable,
  callerId: number,
  conversationId: number,
): Promise<ConversationView> {
  const conversation = await findConversationForParticipant(db, callerId, conversationId);
  if (!conversation) throw notFound();
  return conversation;
}
