// Per-conversation drafts in Dexie, so an unsent text survives switching conversations,
// reloads and restarts. An empty draft is deleted rather than stored.
import type { ChatDatabase } from '../../sync/db.ts';

export async function loadDraft(db: ChatDatabase, convKey: string): Promise<string> {
  return (await db.drafts.get(convKey))?.text ?? '';
}

/** Stores (or, for blank text, deletes) the draft typed at `typedAt`, unless a draft typed
 * later is already stored: a slow write from a composer that has just closed must not
 * bring back older text over what the next one wrote. */
export async function saveDraft(
  db: ChatDatabase,
  convKey: string,
  text: string,
  typedAt = Date.now(),
): Promise<void> {
  await db.transaction('rw', db.drafts, async () => {
    const stored = await db.drafts.get(convKey);
    if (stored && stored.updatedAt > typedAt) return;
    if (text.trim() === '') await db.drafts.delete(convKey);
    else await db.drafts.put({ convKey, text, updatedAt: typedAt });
  });
}

export interface DraftWriter {
  /** Writes the text now, or right after the write in flight (only the newest waits). */
  update(text: string): void;
  /** Resolves when everything passed to `update` is stored. */
  flush(): Promise<void>;
  /** Deletes the stored draft (after sending), after any write still in flight. */
  clear(): Promise<void>;
}

/** Every change is written at once rather than after a pause in typing: a reload or a
 * closed window a moment after a change has no timer left to lose, so nothing older can
 * come back. At most one write is in flight; changes made meanwhile collapse into one. */
export function createDraftWriter(
  db: ChatDatabase,
  convKey: string,
  clock: () => number = Date.now,
): DraftWriter {
  let next: { text: string; typedAt: number } | null = null;
  let isScheduled = false;
  let lastStamp = 0;
  let writes: Promise<void> = Promise.resolve();
  const writeNext = async () => {
    isScheduled = false;
    const change = next;
    next = null;
    if (change) await saveDraft(db, convKey, change.text, change.typedAt);
  };
  const update = (text: string) => {
    // Stamps only grow, even if the wall clock steps back.
    lastStamp = Math.max(lastStamp, clock());
    next = { text, typedAt: lastStamp };
    if (isScheduled) return;
    isScheduled = true;
    writes = writes.then(writeNext, writeNext);
    // A write that fails (signing out closed the database) is dropped; flush reports it.
    writes.catch(() => {});
  };
  return {
    update,
    flush: () => writes,
    clear() {
      update('');
      return writes;
    },
  };
}
