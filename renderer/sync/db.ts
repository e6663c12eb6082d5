// The device's local store (Dexie over IndexedDB): one database per signed-in user, so
// two accounts on one machine never share rows. Every list the UI shows is read through
// an index; no live query reads a whole table.
import Dexie, { type EntityTable } from 'dexie';
import type { ConversationType, MessageType } from '../../shared/schemas.ts';
import type { PushOp, PushOpKind } from '../../shared/sync/protocol.ts';
import type { LocalStatus, ServerStatus } from '../../shared/sync/status.ts';

export interface LocalConversation {
  /** Local primary key: `s<serverId>` for conversations first seen from the server, a
   * UUID (the `clientConvId`) for ones created on this device. */
  key: string;
  serverId: number | null;
  otherUserId: number;
  otherDisplayName: string;
  conversationType: ConversationType;
  contextId: number | null;
  contextTitle: string | null;
  createdAt: string;
  /** ISO time of the newest message (or of creation): the list sorts on it. */
  lastActivityAt: string;
  lastMessagePreview: string | null;
  lastMessageSenderId: number | null;
  unreadCount: number;
  pendingCount: number;
  failedCount: number;
  muted: boolean;
  /** Highest server message id a receipt of that kind was queued for (receipts only
   * ever rise, so a lower one is never queued again). */
  deliveredQueuedUpTo?: number;
  readQueuedUpTo?: number;
  /** Why the server refused to create this locally started conversation, if it did. */
  createFailure?: { code: string; reason: string } | null;
}

export interface LocalMessage {
  clientMsgId: string;
  convKey: string;
  serverId: number | null;
  senderId: number;
  messageType: MessageType;
  content: string;
  createdAt: string;
  updatedAt: string;
  status: LocalStatus;
  /** The last status the server confirmed; a pending edit keeps the message's receipt. */
  serverStatus: ServerStatus | null;
  isEdited: boolean;
  isDeleted: boolean;
  changeSeq: number;
  /** Synced messages sort by server id, pending ones after them by creation (DESIGN §3.6). */
  sortKey: string;
  /** Lower-cased word prefixes for offline full-text search (multi-entry index). */
  words: string[];
  failure: { code: string; reason: string } | null;
  /** The conversation key while this is someone else's message, not read and not
   * deleted; absent otherwise. A sparse index, so unread counts never scan messages. */
  unreadConvKey?: string;
  /** What the server last confirmed (content and flags), kept while a local edit or
   * delete is waiting so a refused change can be undone. */
  confirmed?: { content: string; isEdited: boolean; isDeleted: boolean } | null;
}

/** An operation waiting to be pushed. `seq` keeps the order the user acted in. */
export interface OutboxEntry {
  seq?: number;
  /** `op.kind`, copied out so it can be indexed with the conversation. */
  kind: PushOpKind;
  op: PushOp;
  /** The message this operation belongs to, so a failure can be shown on it. */
  clientMsgId: string | null;
  convKey: string | null;
  attempts: number;
  nextAttemptAt: number;
  /** Set when the server rejected it for good; such entries are skipped, never retried
   * automatically, until the user retries or discards them. */
  rejected: { code: string; reason: string } | null;
}

export interface SyncStateRow {
  key: 'cursor' | 'userId' | 'lastPullAt';
  value: string;
}

export interface Draft {
  convKey: string;
  text: string;
  updatedAt: number;
}

export const SYNCED_SORT_PREFIX = '1';
export const PENDING_SORT_PREFIX = '2';

export function syncedSortKey(serverId: number): string {
  return SYNCED_SORT_PREFIX + String(serverId).padStart(10, '0');
}

export function pendingSortKey(createdAtMs: number, clientMsgId: string): string {
  return `${PENDING_SORT_PREFIX}${String(createdAtMs).padStart(15, '0')}${clientMsgId}`;
}

/** The value of `unreadConvKey` for a message: someone else's, not read, not deleted. */
export function unreadKeyOf(
  message: Pick<LocalMessage, 'senderId' | 'status' | 'isDeleted' | 'convKey'>,
  userId: number,
): string | undefined {
  return message.senderId !== userId && message.status !== 'read' && !message.isDeleted
    ? message.convKey
    : undefined;
}

export type ChatDatabase = Dexie & {
  conversations: EntityTable<LocalConversation, 'key'>;
  messages: EntityTable<LocalMessage, 'clientMsgId'>;
  outbox: EntityTable<OutboxEntry, 'seq'>;
  syncState: EntityTable<SyncStateRow, 'key'>;
  drafts: EntityTable<Draft, 'convKey'>;
};

export function databaseName(userId: number): string {
  return `timenest-chat-${userId}`;
}

/** Opens (and upgrades) a user's database. `indexedDB` and `IDBKeyRange` are injectable
 * so Node tests can pass fake-indexeddb. */
export function openChatDatabase(
  userId: number,
  deps?: { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange },
): ChatDatabase {
  const db = new Dexie(databaseName(userId), deps) as ChatDatabase;
  db.version(1).stores({
    conversations: 'key, &serverId, lastActivityAt, otherUserId',
    messages: 'clientMsgId, &serverId, [convKey+sortKey], status, *words',
    outbox: '++seq, clientMsgId, convKey',
    syncState: 'key',
    drafts: 'convKey',
  });
  // v2: per-conversation status counts and the sparse unread index; outbox by kind.
  db.version(2)
    .stores({
      messages:
        'clientMsgId, &serverId, [convKey+sortKey], [convKey+status], status, unreadConvKey, *words',
      outbox: '++seq, clientMsgId, convKey, [convKey+kind]',
    })
    .upgrade(async (tx) => {
      await tx
        .table<LocalMessage>('messages')
        .toCollection()
        .modify((m) => {
          const key = unreadKeyOf(m, userId);
          if (key) m.unreadConvKey = key;
          else delete m.unreadConvKey;
        });
      await tx
        .table<OutboxEntry>('outbox')
        .toCollection()
        .modify((e) => {
          e.kind = e.op.kind;
        });
    });
  // Another tab or a newer app version wants to upgrade the schema: let it.
  db.on('versionchange', () => {
    db.close();
    return false;
  });
  return db;
}
