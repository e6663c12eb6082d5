// Who wrote what in the log, as one function that stays the same object while the names
// do: a live conversation row is a new object on every read, and the log's memoized rows
// must not all render again for that.
import { useState } from 'react';
import type { LocalConversation } from '../../sync/db.ts';
import { senderNameIn } from './roster.ts';

type Named = Pick<LocalConversation, 'group' | 'otherDisplayName'>;

interface SenderNames {
  key: string;
  nameOf(userId: number): string;
}

function namesKey(conversation: Named, myUserId: number): string {
  const { group } = conversation;
  const names = group
    ? group.members.map((m) => `${m.userId}\u0000${m.displayName}`)
    : [conversation.otherDisplayName];
  return `${myUserId}\u0001${names.join('\u0001')}`;
}

function senderNames(conversation: Named, myUserId: number): SenderNames {
  const { group, otherDisplayName } = conversation;
  return {
    key: namesKey(conversation, myUserId),
    nameOf: (userId) => senderNameIn({ group, otherDisplayName }, userId, myUserId),
  };
}

export function useSenderNames(conversation: Named, myUserId: number): (userId: number) => string {
  const [names, setNames] = useState(() => senderNames(conversation, myUserId));
  const key = namesKey(conversation, myUserId);
  if (key !== names.key) {
    const next = senderNames(conversation, myUserId);
    setNames(next);
    return next.nameOf;
  }
  return names.nameOf;
}
