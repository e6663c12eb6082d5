// The conversation list, newest activity first, read through the lastActivityAt index a
// page at a time (the list grows as it is scrolled), live.
import { useLiveQuery } from 'dexie-react-hooks';
import type { ChatDatabase, LocalConversation } from '../../sync/db.ts';

export function useConversations(db: ChatDatabase, limit: number): LocalConversation[] | undefined {
  return useLiveQuery(
    () => db.conversations.orderBy('lastActivityAt').reverse().limit(limit).toArray(),
    [db, limit],
  );
}

/** The conversation a route names: by server id when numeric, else by local key. Until
 * the read for this route answers, `known` (the conversation the link was clicked on) or
 * undefined — never the answer for the previous route, which a live query keeps
 * returning until the new one arrives. */
export function useRouteConversation(
  db: ChatDatabase,
  conversationId: string,
  known?: LocalConversation,
): LocalConversation | null | undefined {
  const read = useLiveQuery(async () => {
    if (/^[0-9]+$/.test(conversationId)) {
      const byServer = await db.conversations
        .where('serverId')
        .equals(Number(conversationId))
        .first();
      return { conversationId, conversation: byServer ?? null };
    }
    return { conversationId, conversation: (await db.conversations.get(conversationId)) ?? null };
  }, [db, conversationId]);
  return read?.conversationId === conversationId ? read.conversation : known;
}
