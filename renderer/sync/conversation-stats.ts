// Keeps a conversation's denormalized fields (what the list shows: counts, preview,
// activity time) in step with its messages. Index queries only, so it stays cheap
// however long the conversation is. Call inside the transaction that wrote the rows.
import Dexie from 'dexie';
import type { ChatDatabase, LocalConversation } from './db.ts';

export const PREVIEW_CHARS = 200;

/** The later of two ISO-8601 UTC times (such strings sort as text). */
export function laterTime(a: string, b: string): string {
  return [a, b].sort()[1] ?? a;
}

export async function refreshConversationStats(
  db: ChatDatabase,
  keys: Iterable<string>,
): Promise<void> {
  for (const key of new Set(keys)) {
    const conversation = await db.conversations.get(key);
    if (!conversation) continue;
    const all = () =>
      db.messages.where('[convKey+sortKey]').between([key, Dexie.minKey], [key, Dexie.maxKey]);
    const [pendingCount, failedCount, unreadCount, newest, newestShown] = await Promise.all([
      db.messages.where('[convKey+status]').equals([key, 'pending']).count(),
      db.messages.where('[convKey+status]').equals([key, 'failed']).count(),
      db.messages.where('unreadConvKey').equals(key).count(),
      all().last(),
      all()
        .reverse()
        .filter((m) => !m.isDeleted)
        .first(),
    ]);
    const next: Partial<LocalConversation> = {
      pendingCount,
      failedCount,
      unreadCount,
      lastActivityAt: newest
        ? laterTime(newest.createdAt, conversation.createdAt)
        : conversation.createdAt,
      lastMessagePreview: newestShown ? newestShown.content.slice(0, PREVIEW_CHARS) : null,
      lastMessageSenderId: newestShown ? newestShown.senderId : null,
    };
    const changed = (Object.keys(next) as (keyof LocalConversation)[]).some(
      (field) => next[field] !== conversation[field],
    );
    if (changed) await db.conversations.update(key, next);
  }
}
