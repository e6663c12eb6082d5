// Opening a conversation shows its latest page in the frame that mounts it when that page
// was read ahead, while the pointer rested on (or the keyboard focused) its entry in the
// list, as Slack does. The read is the same one the message window makes; the window's
// live query takes over at once, so a page read a moment earlier is never shown for long.
import type { ChatDatabase } from '../../sync/db.ts';
import { latestRange, type RangeRead } from './message-range.ts';

/** A page read longer ago than this is read again on open. */
const FRESH_MS = 30_000;
const KEEP = 8;

interface Ahead {
  count: number;
  at: number;
  reading: Promise<RangeRead>;
  page?: RangeRead;
}

const aheadByConversation = new Map<string, Ahead>();

export function readAhead(db: ChatDatabase, convKey: string, count: number): void {
  const known = aheadByConversation.get(convKey);
  if (known && known.count >= count && Date.now() - known.at < FRESH_MS) return;
  const ahead: Ahead = { count, at: Date.now(), reading: latestRange(db, convKey, count) };
  aheadByConversation.delete(convKey);
  aheadByConversation.set(convKey, ahead);
  if (aheadByConversation.size > KEEP) {
    const oldest = aheadByConversation.keys().next().value;
    if (oldest !== undefined) aheadByConversation.delete(oldest);
  }
  ahead.reading.then(
    (page) => {
      ahead.page = page;
    },
    () => aheadByConversation.delete(convKey),
  );
}

function usable(convKey: string, count: number): Ahead | undefined {
  const ahead = aheadByConversation.get(convKey);
  if (!ahead || ahead.count < count || Date.now() - ahead.at >= FRESH_MS) return undefined;
  aheadByConversation.delete(convKey);
  return ahead;
}

/** The latest page of a conversation if it was read ahead, recently, with enough rows:
 * at once when the read has finished, else the read still on its way, else a new one. */
export function takeReadAhead(
  db: ChatDatabase,
  convKey: string,
  count: number,
): RangeRead | Promise<RangeRead> {
  const ahead = usable(convKey, count);
  return ahead?.page ?? ahead?.reading ?? latestRange(db, convKey, count);
}
