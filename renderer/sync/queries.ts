// The reads the UI needs, as plain async functions over the database (wrap them in
// `useLiveQuery`). Each reads through an index: none scans the messages table.
import Dexie from 'dexie';
import type { ChatDatabase, LocalConversation, LocalMessage, LocalScheduled } from './db.ts';
import { queryWords } from './words.ts';

const SEARCH_LIMIT = 50;

/** Newest activity first. */
export function listConversations(db: ChatDatabase): Promise<LocalConversation[]> {
  return db.conversations.orderBy('lastActivityAt').reverse().toArray();
}

export function getConversation(
  db: ChatDatabase,
  convKey: string,
): Promise<LocalConversation | undefined> {
  return db.conversations.get(convKey);
}

export function conversationByServerId(
  db: ChatDatabase,
  serverId: number,
): Promise<LocalConversation | undefined> {
  return db.conversations.where('serverId').equals(serverId).first();
}

export interface MessagePageRequest {
  limit: number;
  /** Only messages sorting before this key (load older); the latest page without it. */
  beforeSortKey?: string;
}

/** The latest `limit` messages of a conversation (before a sort key), oldest first:
 * synced ones in server order, then pending ones in creation order (DESIGN §3.6). */
export async function messagePage(
  db: ChatDatabase,
  convKey: string,
  { limit, beforeSortKey }: MessagePageRequest,
): Promise<LocalMessage[]> {
  const page = await db.messages
    .where('[convKey+sortKey]')
    .between([convKey, Dexie.minKey], [convKey, beforeSortKey ?? Dexie.maxKey], true, false)
    .reverse()
    .limit(limit)
    .toArray();
  return page.reverse();
}

/** The user's messages still waiting to be sent or refused by the server, oldest first. */
export async function outboxMessages(db: ChatDatabase): Promise<LocalMessage[]> {
  const rows = await db.messages.where('status').anyOf('pending', 'failed').toArray();
  return rows.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
}

/** Whether a scheduled message is on the user's list: waiting, or with a failure to show
 * (a cancelled one waiting for the server to confirm is not). */
export function isListedScheduled(row: LocalScheduled): boolean {
  return row.state === 'scheduled' || row.failure !== null;
}

/** This user's scheduled messages across conversations, soonest first. Read through the
 * due-time index; the table is small (at most a hundred may wait, SCHEDULE_LIMITS). */
export function listScheduled(db: ChatDatabase): Promise<LocalScheduled[]> {
  return db.scheduled.orderBy('dueAt').filter(isListedScheduled).toArray();
}

/** How many of this user's scheduled messages a conversation has on the list. */
export function scheduledCountIn(db: ChatDatabase, convKey: string): Promise<number> {
  return db.scheduled.where('convKey').equals(convKey).filter(isListedScheduled).count();
}

/** As in Signal: a muted conversation keeps its own unread count but adds nothing to the
 * app's badge. The notification policy answers the same for each message. */
export function countsTowardBadge(conversation: Pick<LocalConversation, 'muted'>): boolean {
  return !conversation.muted;
}

/** Unread messages over conversations that count toward the badge. */
export async function totalUnread(db: ChatDatabase): Promise<number> {
  let total = 0;
  await db.conversations
    .where('hasUnread')
    .equals(1)
    .each((c) => {
      if (countsTowardBadge(c)) total += c.unreadCount;
    });
  return total;
}

/** Messages containing, for every query word, a word starting with it; newest first. */
export async function searchMessages(
  db: ChatDatabase,
  text: string,
  { limit = SEARCH_LIMIT, convKey }: { limit?: number; convKey?: string } = {},
): Promise<LocalMessage[]> {
  const words = queryWords(text);
  if (words.length === 0) return [];
  let keys: Set<string> | null = null;
  // Longest words first: they usually match fewest messages.
  for (const word of [...words].sort((a, b) => b.length - a.length)) {
    const matches = await db.messages.where('words').startsWith(word).primaryKeys();
    const next = new Set<string>();
    for (const key of matches) if (!keys || keys.has(key)) next.add(key);
    keys = next;
    if (keys.size === 0) return [];
  }
  const rows = (await db.messages.bulkGet([...(keys ?? [])])).filter(
    (m): m is LocalMessage => !!m && !m.isDeleted && (!convKey || m.convKey === convKey),
  );
  return rows
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
    .slice(0, limit);
}
