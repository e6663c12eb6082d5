// The number the badge shows: unread messages from others over unmuted conversations.
// Counted on the sparse unread index, so the cost follows the unread messages only.
import { useLiveQuery } from 'dexie-react-hooks';
import { useApp } from './app-context.tsx';

export function useUnreadTotal(): number | undefined {
  const { db } = useApp();
  return useLiveQuery(async () => {
    const unread = await db.messages.orderBy('unreadConvKey').keys();
    if (unread.length === 0) return 0;
    const perConversation = new Map<string, number>();
    for (const key of unread)
      perConversation.set(String(key), (perConversation.get(String(key)) ?? 0) + 1);
    const conversations = await db.conversations.bulkGet([...perConversation.keys()]);
    return conversations.reduce(
      (sum, c) => (c && !c.muted ? sum + (perConversation.get(c.key) ?? 0) : sum),
      0,
    );
  }, [db]);
}
