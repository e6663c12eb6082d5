// The slice of a conversation the chat log holds: a range of the [convKey+sortKey] index,
// live. It starts at the latest page (or around a message to jump to), grows a page
// older when the top is reached and a page newer when the bottom is reached; when it
// reaches the newest message it follows new ones. Never more than the range is read, so
// a conversation of 100,000 messages opens as fast as one of 50.
import Dexie from 'dexie';
import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type ChatDatabase, type LocalMessage, PENDING_SORT_PREFIX } from '../../sync/db.ts';

export const PAGE = 50;
const MAX_INITIAL = 500;

export interface MessageRange {
  /** Lowest sortKey held (inclusive); '' means from the very first message. */
  from: string;
  /** Highest sortKey held (inclusive), or null to hold everything up to the newest. */
  to: string | null;
  hasOlder: boolean;
  /** Changes when the range is replaced rather than grown (open, jump, back to latest). */
  generation: number;
}

function inConversation(
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

type RangeBounds = Omit<MessageRange, 'generation'>;

/** A range and the messages read to find it, shown until the live read answers. */
interface RangeRead {
  bounds: RangeBounds;
  messages: LocalMessage[];
}

/** A pending message's sort key changes when it is sent: it moves from after every synced
 * message to its server position. A range must therefore never start at a pending key,
 * or its own messages would leave it once sent; it starts at the newest synced one. */
async function stableLowerBound(db: ChatDatabase, convKey: string, from: string): Promise<string> {
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

export interface MessageWindow {
  /** Ascending by sortKey; undefined until the first read. */
  messages: LocalMessage[] | undefined;
  range: MessageRange | null;
  loadOlder(): Promise<void>;
  loadNewer(): Promise<void>;
  /** Drops a jumped-to range and holds the newest messages again. */
  resetToLatest(): Promise<void>;
}

export function useMessageWindow(
  db: ChatDatabase,
  convKey: string,
  options: { jumpTo: string | null; initialCount: number },
): MessageWindow {
  const [range, setRange] = useState<MessageRange | null>(null);
  const [initial, setInitial] = useState<{ generation: number; messages: LocalMessage[] } | null>(
    null,
  );
  const busy = useRef(false);
  const generation = useRef(0);
  const { jumpTo, initialCount } = options;
  const initialCountRef = useRef(initialCount);

  useEffect(() => {
    let isCurrent = true;
    setRange(null);
    (async () => {
      const around = jumpTo ? await rangeAround(db, convKey, jumpTo) : null;
      const next =
        around ??
        (await latestRange(
          db,
          convKey,
          Math.min(MAX_INITIAL, Math.max(PAGE, initialCountRef.current)),
        ));
      if (!isCurrent) return;
      const opened = ++generation.current;
      setInitial({ generation: opened, messages: next.messages });
      setRange({ ...next.bounds, generation: opened });
    })();
    return () => {
      isCurrent = false;
    };
  }, [db, convKey, jumpTo]);

  // The answer carries the range it was read for: after a jump, the previous range's
  // rows must not be shown as if they were the new one's.
  const read = useLiveQuery(
    async () =>
      range
        ? {
            range,
            messages: await inConversation(
              db,
              convKey,
              range.from,
              range.to ?? Dexie.maxKey,
            ).toArray(),
          }
        : null,
    [db, convKey, range],
  );
  const messages =
    read && read.range.generation === range?.generation
      ? read.messages
      : initial && initial.generation === range?.generation
        ? initial.messages
        : undefined;

  const loadOlder = useCallback(async () => {
    if (!range?.hasOlder || busy.current) return;
    busy.current = true;
    try {
      const older = await inConversation(db, convKey, Dexie.minKey, range.from, true, false)
        .reverse()
        .limit(PAGE)
        .toArray();
      const hasOlder = older.length === PAGE;
      const from = hasOlder ? await stableLowerBound(db, convKey, older.at(-1)!.sortKey) : '';
      setRange((r) => r && { ...r, from, hasOlder });
    } finally {
      busy.current = false;
    }
  }, [db, convKey, range]);

  const loadNewer = useCallback(async () => {
    if (!range || range.to === null || busy.current) return;
    busy.current = true;
    try {
      const newer = await inConversation(db, convKey, range.to, Dexie.maxKey, false, true)
        .limit(PAGE)
        .toArray();
      setRange((r) => r && { ...r, to: newer.length < PAGE ? null : newer.at(-1)!.sortKey });
    } finally {
      busy.current = false;
    }
  }, [db, convKey, range]);

  const resetToLatest = useCallback(async () => {
    if (range && range.to === null) return;
    const next = await latestRange(db, convKey, PAGE);
    const opened = ++generation.current;
    setInitial({ generation: opened, messages: next.messages });
    setRange({ ...next.bounds, generation: opened });
  }, [db, convKey, range]);

  return { messages, range, loadOlder, loadNewer, resetToLatest };
}
