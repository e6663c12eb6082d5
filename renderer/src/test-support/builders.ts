// Builders for the renderer's unit tests: local rows with sensible defaults, and a
// fresh in-memory database per test.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import {
  type ChatDatabase,
  type GroupMember,
  type LocalConversation,
  type LocalGroup,
  type LocalMessage,
  openChatDatabase,
  othersKeyOf,
  pendingSortKey,
  syncedSortKey,
} from '../../sync/db.ts';
import { messageWords } from '../../sync/words.ts';

export const ME = 1;
export const OTHER = 2;
export const THIRD = 3;

export function aConversation(overrides: Partial<LocalConversation> = {}): LocalConversation {
  return {
    key: 's10',
    serverId: 10,
    otherUserId: OTHER,
    otherDisplayName: 'Bob Requester',
    conversationType: 'service',
    contextId: 3,
    contextTitle: 'Guitar lessons for beginners',
    createdAt: '2025-03-01T09:00:00.000Z',
    lastActivityAt: '2025-03-01T09:00:00.000Z',
    lastMessagePreview: null,
    lastMessageSenderId: null,
    unreadCount: 0,
    pendingCount: 0,
    failedCount: 0,
    muted: false,
    version: 0,
    members: [],
    confirmedMarks: { deliveredUpTo: 0, readUpTo: 0 },
    ...overrides,
  };
}

export function aMember(
  userId: number,
  displayName: string,
  role: GroupMember['role'] = 'member',
): GroupMember {
  return { userId, displayName, role, joinedAt: '2025-03-01T09:00:00.000Z' };
}

/** A group this user is in (its admin unless `group.members` says otherwise), with Bob and
 * Carol, as the sync stores one: no other person, a title and a roster. */
export function aGroupConversation(
  group: Partial<LocalGroup> = {},
  overrides: Partial<LocalConversation> = {},
): LocalConversation {
  return aConversation({
    key: 's20',
    serverId: 20,
    otherUserId: 0,
    otherDisplayName: '',
    conversationType: 'general',
    contextId: null,
    contextTitle: null,
    group: {
      title: 'Lesson planning',
      rosterVersion: 1,
      members: [
        aMember(ME, 'Me Myself', 'admin'),
        aMember(OTHER, 'Bob Requester'),
        aMember(THIRD, 'Carol Provider'),
      ],
      leftUpTo: null,
      changeFailure: null,
      ...group,
    },
    ...overrides,
  });
}

let counter = 0;

export function aMessage(overrides: Partial<LocalMessage> = {}): LocalMessage {
  counter += 1;
  const serverId = overrides.serverId === undefined ? counter : overrides.serverId;
  const content = overrides.content ?? `message ${counter}`;
  const message: LocalMessage = {
    clientMsgId: `00000000-0000-7000-8000-${String(counter).padStart(12, '0')}`,
    convKey: 's10',
    serverId,
    senderId: OTHER,
    messageType: 'text',
    content,
    createdAt: '2025-03-01T09:00:00.000Z',
    updatedAt: '2025-03-01T09:00:00.000Z',
    status: serverId === null ? 'pending' : 'sent',
    isEdited: false,
    isDeleted: false,
    version: serverId === null ? 0 : counter,
    sortKey: serverId === null ? pendingSortKey(counter) : syncedSortKey(serverId),
    words: messageWords(content),
    failure: null,
    ...overrides,
  };
  // As the sync writes it: someone else's message that is not deleted is on the index
  // unread counts read.
  const othersKey = othersKeyOf(message, ME);
  if (othersKey && !('othersKey' in overrides)) message.othersKey = othersKey;
  return message;
}

export function freshDatabase(userId = ME): { db: ChatDatabase; reopen: () => ChatDatabase } {
  const factory = new IDBFactory();
  const open = () => openChatDatabase(userId, { indexedDB: factory, IDBKeyRange });
  return { db: open(), reopen: open };
}
