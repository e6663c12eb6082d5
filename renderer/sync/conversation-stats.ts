// Keeps a conversation's denormalized fields (what the list shows: counts, preview,
// activity time) in step with its messages. Index queries only, so it stays cheap
// however long the conversation is. Call inside the transaction that wrote the rows.
import Dexie from 'dexie';
import {
  type ChatDatabase,
  type LocalConversation,
  type LocalMessage,
  PENDING_SORT_PREFIX,
  syncedSortKey,
} from './db.ts';
import { marksOf } from './marks.ts';

export const PREVIEW_CHARS = 200;

/** What the list and notifications show of a message: its text, or for an image or file
 * what it is and its caption. */
export function messagePreview(
  message: Pick<LocalMessage, 'messageType' | 'content' | 'attachment'>,
): string {
  if (message.messageType !== 'image' && message.messageType !== 'file') {
    return message.content.slice(0, PREVIEW_CHARS);
  }
  const label =
    message.messageType === 'image' ? 'Photo' : (message.attachment?.fileName ?? 'File');
  return (message.content ? `${label} · ${message.content}` : label).slice(0, PREVIEW_CHARS);
}

/** The later of two ISO-8601 UTC times (such strings sort as text). */
export function laterTime(a: string, b: string): string {
  return [a, b].sort()[1] ?? a;
}

/** Someone else's messages after this user's read mark, counted on the sparse index. */
function countUnread(db: ChatDatabase, key: string, readUpTo: number): Promise<number> {
  return db.messages
    .where('[convKey+othersKey]')
    .between([key, syncedSortKey(readUpTo + 1)], [key, PENDING_SORT_PREFIX], true, false)
    .count();
}

export async function refreshConversationStats(
  db: ChatDatabase,
  userId: number,
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
      countUnread(db, key, marksOf(conversation, userId).readUpTo),
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
      hasUnread: unreadCount > 0 ? 1 : undefined,
      lastActivityAt: newest
        ? laterTime(newest.createdAt, conversation.createdAt)
        : conversation.createdAt,
      lastMessagePreview: newestShown ? messagePreview(newestShown) : null,
      // A system message says who did what itself: no "Name: " before it in the list.
      lastMessageSenderId:
        newestShown && newestShown.messageType !== 'system' ? newestShown.senderId : null,
    };
    const changed = (Object.keys(next) as (keyof LocalConversation)[]).some(
      (field) => next[field] !== conversation[field],
    );
    if (changed) await db.conversations.update(key, next);
  }
}
