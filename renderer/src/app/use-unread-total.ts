// The number the badge shows: unread messages from others over unmuted conversations.
// Read on the sparse index of conversations with something unread, so the cost follows
// those conversations only.
import { useLiveQuery } from 'dexie-react-hooks';
import { totalUnread } from '../../sync/queries.ts';
import { useApp } from './app-context.tsx';

export function useUnreadTotal(): number | undefined {
  const { db } = useApp();
  return useLiveQuery(() => totalUnread(db), [db]);
}
