// The message Up-arrow in an empty composer edits: one's newest message in the
// conversation that can still be changed.
import Dexie from 'dexie';
import type { ChatDatabase, LocalMessage } from '../../sync/db.ts';
import { isChangeable } from './MessageBubble.tsx';

export function lastChangeableOwnMessage(
  db: ChatDatabase,
  convKey: string,
  myUserId: number,
): Promise<LocalMessage | undefined> {
  return db.messages
    .where('[convKey+sortKey]')
    .between([convKey, Dexie.minKey], [convKey, Dexie.maxKey])
    .reverse()
    .filter((message) => message.senderId === myUserId && isChangeable(message))
    .first();
}
