// Reads of a conversation's slice of the [convKey+sortKey] index: its latest page, or the
// page around one message. Shared by the message window and the read-ahead.
import Dexie from 'dexie';
import {
  type ChatDatabase,
  type LocalMessage,
  PENDING_SORT_PREFIX,
  syncedSortKey,
} from '../../sync/db.ts';

export const PAGE = 50;
const MAX_INITIAL = 500;
/** Read messages shown above the "new messages" marker when a conversation opens. */
const READ_CONTEXT = 10;

/** How many messages a conversation opens with: every unread one and some before. */
export function openingCount(unreadCount: number): number {
  return Math.min(MAX_INITIAL, Math.max(PAGE, unreadCount + 10));
}

export function inConversation(
  db: ChatDatabase,
  convKey: string,
  lower: string | typeof Dexie.minKey,
  upper: string | typeof Dexie.maxKey,
  includeLower = true,
  includeUpper = true,
) {
  return db.messages
    .where('[convKey+sortKey]')
    .between([convKey, lower], [convKey, upper], includeLower, includeUpper);
}

export interface RangeBounds {
  /** Lowest sortKey held (inclusive); '' means from the very first message. */
  from: string;
  /** Highest sortKey held (inclusive), or null to hold everything up to the newest. */
  to: string | null;
  hasOlder: boolean;
}

/** A range and the messages read to find it, shown until the live read answers. */
export interface RangeRead {
  bounds: RangeBounds;
  messages: LocalMessage[];
}

/** A pending message's sort key changes when it is sent: it moves from after every synced
 * message to its server position. A range must therefore never start at a pending key,
 * or its own messages would leave it once sent; it starts at the newest synced one. */
export async function stableLowerBound(
  db: ChatDatabase,
  convKey: string,
  from: string,
): Promise<string> {
  if (!from.startsWith(PENDING_SORT_PREFIX)) return from;
  const newestSynced = await inConversation(
    db,
    convKey,
    Dexie.minKey,
    PENDING_SORT_PREFIX,
    true,
    false,
  ).last();
  return newestSynced?.sortKey ?? '';
}

export async function latestRange(
  db: ChatDatabase,
  convKey: string,
  count: number,
): Promise<RangeRead> {
  const latest = await inConversation(db, convKey, Dexie.minKey, Dexie.maxKey)
    .reverse()
    .limit(count)
    .toArray();
  const hasOlder = latest.length === count;
  const from = hasOlder ? await stableLowerBound(db, convKey, latest.at(-1)!.sortKey) : '';
  return { bounds: { from, to: null, hasOlder }, messages: latest.reverse() };
}

export async function rangeAround(
  db: ChatDatabase,
  convKey: string,
  clientMsgId: string,
): Promise<RangeRead | null> {
  const target = await db.messages.get(clientMsgId);
  if (!target || target.convKey !== convKey) return null;
  const half = Math.floor(PAGE / 2);
  const [older, newer] = await Promise.all([
    inConversation(db, convKey, Dexie.minKey, target.sortKey, true, false)
      .reverse()
      .limit(half)
      .toArray(),
    inConversation(db, convKey, target.sortKey, Dexie.maxKey, false, true).limit(half).toArray(),
  ]);
  return {
    bounds: {
      from: await stableLowerBound(db, convKey, older.at(-1)?.sortKey ?? target.sortKey),
      to: newer.length < half ? null : newer.at(-1)!.sortKey,
      hasOlder: older.length === half,
    },
    messages: [...older.reverse(), target, ...newer],
  };
}

/** Whether a range read from the newest message back holds the first message after the
 * read mark: it reaches the very first message, or a synced one at or before the mark. */
export function reachesReadMark(read: RangeRead, readUpTo: number): boolean {
  const oldest = read.messages[0];
  return !read.bounds.hasOlder || (oldest?.serverId != null && oldest.serverId <= readUpTo);
}

/** The opening range of a conversation with unread messages: from a few read ones above
 * the first unread to the newest, so the marker is in it however long the backlog and
 * whatever else (one's own replies, deleted messages) lies between; a backlog too long to
 * load whole opens around its first message instead. */
export async function unreadRange(
  db: ChatDatabase,
  convKey: string,
  readUpTo: number,
): Promise<RangeRead> {
  const firstUnread = await db.messages
    .where('[convKey+othersKey]')
    .between([convKey, syncedSortKey(readUpTo + 1)], [convKey, PENDING_SORT_PREFIX], true, false)
    .first();
  if (!firstUnread) return latestRange(db, convKey, PAGE);
  const fromFirstUnread = await inConversation(
    db,
    convKey,
    firstUnread.sortKey,
    Dexie.maxKey,
  ).count();
  if (fromFirstUnread + READ_CONTEXT > MAX_INITIAL) {
    return (
      (await rangeAround(db, convKey, firstUnread.clientMsgId)) ?? latestRange(db, convKey, PAGE)
    );
  }
  return latestRange(db, convKey, Math.max(PAGE, fromFirstUnread + READ_CONTEXT));
}
