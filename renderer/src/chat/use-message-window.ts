// The slice of a conversation the chat log holds: a range of the [convKey+sortKey] index,
// live. It starts at the latest page (or around a message to jump to), grows a page
// older when the top is reached and a page newer when the bottom is reached; when it
// reaches the newest message it follows new ones. Never more than the range is read, so
// a conversation of 100,000 messages opens as fast as one of 50.
import Dexie from 'dexie';
import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChatDatabase, LocalMessage } from '../../sync/db.ts';
import {
  inConversation,
  latestRange,
  openingCount,
  PAGE,
  type RangeBounds,
  type RangeRead,
  rangeAround,
  reachesReadMark,
  stableLowerBound,
  unreadRange,
} from './message-range.ts';
import { takeReadAhead } from './read-ahead.ts';

export interface MessageRange extends RangeBounds {
  /** Changes when the range is replaced rather than grown (open, jump, back to latest). */
  generation: number;
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

/** A latest page opens the conversation only if the "new messages" marker is in it. */
function holdsMarker(page: RangeRead, readUpTo: number | null): boolean {
  return readUpTo === null || reachesReadMark(page, readUpTo);
}

export function useMessageWindow(
  db: ChatDatabase,
  convKey: string,
  options: {
    jumpTo: string | null;
    unreadCount: number;
    /** The user's read mark when the conversation opened, if anything was unread. */
    unreadAfter: number | null;
  },
): MessageWindow {
  const { jumpTo, unreadCount } = options;
  const countRef = useRef(openingCount(unreadCount));
  const unreadAfterRef = useRef(options.unreadAfter);
  // A page read ahead opens the window in its first render.
  const [opening] = useState(() =>
    jumpTo ? undefined : takeReadAhead(db, convKey, countRef.current),
  );
  const ahead =
    opening instanceof Promise || !opening || !holdsMarker(opening, unreadAfterRef.current)
      ? undefined
      : opening;
  const [range, setRange] = useState<MessageRange | null>(() =>
    ahead ? { ...ahead.bounds, generation: 1 } : null,
  );
  const [initial, setInitial] = useState<{ generation: number; messages: LocalMessage[] } | null>(
    () => (ahead ? { generation: 1, messages: ahead.messages } : null),
  );
  const busy = useRef(false);
  const generation = useRef(ahead ? 1 : 0);
  const isOpenedAhead = useRef(ahead !== undefined);
  // The opening read is used once; a later jump or reset reads afresh.
  const isRead = useRef(false);

  useEffect(() => {
    if (isOpenedAhead.current && !jumpTo) {
      isOpenedAhead.current = false;
      return;
    }
    isOpenedAhead.current = false;
    let isCurrent = true;
    setRange(null);
    (async () => {
      const around = jumpTo ? await rangeAround(db, convKey, jumpTo) : null;
      const latest =
        around ??
        (await (opening !== undefined && !isRead.current
          ? opening
          : latestRange(db, convKey, countRef.current)));
      const readUpTo = unreadAfterRef.current;
      // A latest page that does not reach back to the read mark would leave the marker out.
      const next =
        !around && readUpTo !== null && !reachesReadMark(latest, readUpTo)
          ? await unreadRange(db, convKey, readUpTo)
          : latest;
      isRead.current = true;
      if (!isCurrent) return;
      const opened = ++generation.current;
      setInitial({ generation: opened, messages: next.messages });
      setRange({ ...next.bounds, generation: opened });
    })();
    return () => {
      isCurrent = false;
    };
  }, [db, convKey, jumpTo, opening]);

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
