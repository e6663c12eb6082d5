// Per-conversation drafts in Dexie, so an unsent text survives switching conversations,
// reloads and restarts. An empty draft is deleted rather than stored.
import type { ChatDatabase } from '../../sync/db.ts';

export async function loadDraft(db: ChatDatabase, convKey: string): Promise<string> {
  return (await db.drafts.get(convKey))?.text ?? '';
}

export async function saveDraft(
  db: ChatDatabase,
  convKey: string,
  text: string,
  now = Date.now(),
): Promise<void> {
  if (text.trim() === '') await db.drafts.delete(convKey);
  else await db.drafts.put({ convKey, text, updatedAt: now });
}

export interface DraftWriter {
  /** Remembers the latest text and writes it after a short pause in typing. */
  update(text: string): void;
  /** Writes a pending change now (leaving the conversation, closing the window). */
  flush(): Promise<void>;
  /** Drops a pending change and deletes the stored draft (after sending). */
  clear(): Promise<void>;
}

export function createDraftWriter(db: ChatDatabase, convKey: string, delayMs = 300): DraftWriter {
  let pending: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let writes: Promise<void> = Promise.resolve();
  const enqueue = (task: () => Promise<void>) => {
    writes = writes.then(task, task);
    return writes;
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending === null) return writes;
    const text = pending;
    pending = null;
    return enqueue(() => saveDraft(db, convKey, text));
  };
  return {
    update(text) {
      pending = text;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void flush(), delayMs);
    },
    flush,
    clear() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
      return enqueue(() => db.drafts.delete(convKey).then(() => {}));
    },
  };
}
