// Message history pages for the REST and tRPC list calls: newest page first by
// `before_id`, each page oldest first (DESIGN §5).
import type { MessageView } from '../../shared/model.ts';
import type { Db } from '../db/prisma.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { MESSAGE_COLUMNS, type MessageRow, toMessageView } from './rows.ts';

export async function listMessages(
  db: Db,
  input: { conversationId: number; limit: number; beforeId?: number | undefined },
): Promise<{ messages: MessageView[]; hasMore: boolean }> {
  const rows = await db.$queryRaw<MessageRow[]>`SELECT ${MESSAGE_COLUMNS} FROM messages m
    WHERE m.conversation_id = ${input.conversationId}
    ${input.beforeId ? Prisma.sql`AND m.message_id < ${input.beforeId}` : Prisma.empty}
    ORDER BY m.message_id DESC LIMIT ${input.limit + 1}`;
  const hasMore = rows.length > input.limit;
  return { messages: rows.slice(0, input.limit).reverse().map(toMessageView), hasMore };
}
