// Conversations: the list with last message and unread count, and membership checks.
// Creating one is the sync's (server/sync/ops/create-conversation.ts): it writes members.
import { type ConversationCursor, conversationCursor } from '../../shared/conversation-page.ts';
import type { GroupMemberView } from '../../shared/groups.ts';
import type { ConversationSummary, ConversationView } from '../../shared/model.ts';
import type { ConversationType } from '../../shared/schemas.ts';
import type { Db } from '../db/prisma.ts';
import type { Tx } from '../db/transaction.ts';
import { notFound } from '../errors.ts';
import { Prisma } from '../generated/prisma/client.ts';
import {
  type ConversationRow,
  conversationSelect,
  LAST_MESSAGE_AT,
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

const MAX_ID = 2_147_483_647;

// Two people: the seed's status says what the caller has not read. A group's status is
// everyone's, so there the caller's own read mark says it, within the part of the log
// they may see; its notices are not messages to read. The bounds stay plain ranges of
// the conversation's ids, so only what lies past the mark is counted.
function unreadCountColumn(callerId: number): Prisma.Sql {
  return Prisma.sql`, (SELECT COUNT(*) FROM messages mu
    WHERE mu.conversation_id = c.conversation_id AND mu.sender_id <> ${callerId}
      AND COALESCE(mu.is_deleted, 0) = 0
      AND mu.message_id > IF(c.is_group = 0, 0, GREATEST(me.read_up_to, me.history_from - 1))
      AND mu.message_id <= IF(c.is_group = 0, ${MAX_ID}, COALESCE(me.history_to, ${MAX_ID}))
      AND (c.is_group = 1 OR mu.status IN ('sent', 'delivered'))
      AND (c.is_group = 0 OR COALESCE(mu.message_type, 'text') <> 'system')) AS unread_count`;
}

/** The members of each group among `conversationIds`, for the REST list: current ones,
 * in the order they joined, the creator first. */
export async function groupMembersOf(
  db: Queryable,
  conversationIds: readonly number[],
): Promise<Map<number, GroupMemberView[]>> {
  const byConversation = new Map<number, GroupMemberView[]>();
  if (conversationIds.length === 0) return byConversation;
  const rows = await db.$queryRaw<
    { conversation_id: number; user_id: number; display_name: string; role: string }[]
  >`SELECT cm.conversation_id, cm.user_id, u.display_name, cm.role
      FROM conversation_members cm JOIN users u ON u.user_id = cm.user_id
      JOIN conversations c ON c.conversation_id = cm.conversation_id
     WHERE cm.conversation_id IN (${Prisma.join(conversationIds)}) AND cm.left_at IS NULL
     ORDER BY cm.conversation_id, cm.joined_at, cm.user_id = c.user1_id DESC, cm.user_id`;
  for (const row of rows) {
    const members = byConversation.get(row.conversation_id) ?? [];
    members.push({
      userId: row.user_id,
      displayName: row.display_name,
      role: row.role === 'admin' ? 'admin' : 'member',
    });
    byConversation.set(row.conversation_id, members);
  }
  return byConversation;
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
  const activity = Prisma.sql`COALESCE(${Prisma.raw(LAST_MESSAGE_AT)}, c.created_at)`;
  const rows = await db.$queryRaw<(ConversationRow & { unread_count: bigint | number })[]>`
    ${conversationSelect(callerId, unreadCountColumn(callerId))}
    WHERE 1 = 1
    ${
      term
        ? Prisma.sql`AND (u.display_name LIKE ${term} OR c.context_title LIKE ${term}
            OR IF(me.history_to IS NULL, c.group_title, me.left_title) LIKE ${term}
            OR (c.is_group = 1 AND me.history_to IS NULL AND EXISTS (SELECT 1 FROM conversation_members gm
                  JOIN users gu ON gu.user_id = gm.user_id
                 WHERE gm.conversation_id = c.conversation_id AND gm.left_at IS NULL
                   AND gu.display_name LIKE ${term})))`
        : Prisma.empty
    }
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
    WHERE c.conversation_id = ${conversationId}`;
  return rows[0] ? toConversationView(rows[0]) : null;
}

/** The conversation, or NOT_FOUND when it does not exist or the caller never was in it
 * (one who left a group still reads it):
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
