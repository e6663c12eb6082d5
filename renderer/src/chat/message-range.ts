// Reads of a conversation's slice of the [convKey+sortKey] index: its latest page, or the
// page around one message. Shared by the message window and the read-ahead.
import Dexie from 'dexie';
import { type ChatDatabase, type LocalMessage, PENDING_SORT_PREFIX } from '../../sync/db.ts';

export const PAGE = 50;
const MAX_INITIAL = 500;

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
