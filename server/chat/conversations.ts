// Conversations: the list with last message and unread count, and membership checks.
// Creating one is the sync's (server/sync/ops/create-conversation.ts): it writes members.
import { type ConversationCursor, conversationCursor } from '../../shared/conversation-page.ts';
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

export interface ConversationListQuery {
  search?: string | undefined;
  limit: number;
  cursor: ConversationCursor | null;
}

export interface ConversationPage {
  conversations: ConversationSummary[];
  /** Where the next page starts, or null on the last page. */
  nextCursor: string | null;
}

/** A page of the caller's conversations, newest activity first. */
export async function listConversations(
  db: Db,
  callerId: number,
  query: ConversationListQuery,
): Promise<ConversationPage> {
  const term = query.search ? `%${escapeLike(query.search)}%` : null;
  const after = query.cursor;
  const activity = Prisma.sql`COALESCE(c.last_message_at, c.created_at)`;
  const rows = await db.$queryRaw<(ConversationRow & { unread_count: bigint | number })[]>`
    ${conversationSelect(callerId, unreadCountColumn(callerId))}
    WHERE (c.user1_id = ${callerId} OR c.user2_id = ${callerId})
    ${term ? Prisma.sql`AND (u.display_name LIKE ${term} OR c.context_title LIKE ${term})` : Prisma.empty}
    ${
      after
        ? Prisma.sql`AND (${activity} < ${new Date(after.activityMs)}
            OR (${activity} = ${new Date(after.activityMs)} AND c.conversation_id < ${after.conversationId}))`
        : Prisma.empty
    }
    ORDER BY ${activity} DESC, c.conversation_id DESC
    LIMIT ${query.limit + 1}`;
  const page = rows.slice(0, query.limit);
  const lastIds = page.map((r) => r.last_message_id).filter((id): id is number => id != null);
  const lastMessages = lastIds.length
    ? await db.$queryRaw<MessageRow[]>`SELECT ${MESSAGE_COLUMNS} FROM messages m
        WHERE m.message_id IN (${Prisma.join(lastIds)})`
    : [];
  const byId = new Map(lastMessages.map((m) => [m.message_id, toMessageView(m)]));
  const last = page.at(-1);
  return {
    conversations: page.map((row) => ({
      ...toConversationView(row),
      lastMessage: row.last_message_id ? (byId.get(row.last_message_id) ?? null) : null,
      unreadCount: Number(row.unread_count),
    })),
    nextCursor:
      rows.length > query.limit && last
        ? conversationCursor(
            (last.last_message_at ?? last.created_at ?? new Date(0)).getTime(),
            last.conversation_id,
          )
        : null,
  };
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
