// Message history pages for the REST and tRPC list calls: newest page first by
// `before_id`, each page oldest first (DESIGN §5). A group member reads the part of the
// log they were in: from the message that added them to the one that removed them.
import type { MessageView } from '../../shared/model.ts';
import type { Db } from '../db/prisma.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { MESSAGE_COLUMNS, type MessageRow, toMessageView } from './rows.ts';

export async function listMessages(
  db: Db,
  viewerId: number,
  input: { conversationId: number; limit: number; beforeId?: number | undefined },
): Promise<{ messages: MessageView[]; hasMore: boolean }> {
  const rows = await db.$queryRaw<MessageRow[]>`SELECT ${MESSAGE_COLUMNS} FROM messages m
      JOIN conversation_members me
        ON me.conversation_id = m.conversation_id AND me.user_id = ${viewerId}
    WHERE m.conversation_id = ${input.conversationId}
      AND m.message_id >= me.history_from
      AND m.message_id <= COALESCE(me.history_to, m.message_id)
    ${input.beforeId ? Prisma.sql`AND m.message_id < ${input.beforeId}` : Prisma.empty}
    ORDER BY m.message_id DESC LIMIT ${input.limit + 1}`;
  const hasMore = rows.length > input.limit;
  return { messages: rows.slice(0, input.limit).reverse().map(toMessageView), hasMore };
}
