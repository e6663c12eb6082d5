// The unsent drafts, live, by conversation key, for the list's "Draft: …" previews. Only
// conversations with unsent text have a row, so reading the table whole stays small.
import { useLiveQuery } from 'dexie-react-hooks';
import type { ChatDatabase } from '../../sync/db.ts';

const NONE: ReadonlyMap<string, string> = new Map();

export function useDrafts(db: ChatDatabase): ReadonlyMap<string, string> {
  return (
    useLiveQuery(
      async () => new Map((await db.drafts.toArray()).map((d) => [d.convKey, d.text])),
      [db],
    ) ?? NONE
  );
}
