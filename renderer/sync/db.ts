// The device's local store (Dexie over IndexedDB): one database per signed-in user, so
// two accounts on one machine never share rows. Every list the UI shows is read through
// an index; no live query reads a whole table.

import Dexie, { type EntityTable } from 'dexie';
import type { MemberRole } from '../../shared/groups.ts';
import type { ReactionsView } from '../../shared/reactions.ts';
import type { ScheduledState, ScheduledView } from '../../shared/scheduled.ts';
import type { ConversationType, MessageType } from '../../shared/schemas.ts';
import type { PushOp, PushOpKind } from '../../shared/sync/protocol.ts';
import { NO_WATERMARKS, type Watermarks } from '../../shared/sync/status.ts';

/** A member's watermarks in a conversation (DESIGN §3.5). */
export interface MemberMarks extends Watermarks {
  userId: number;
}

/** A member of a group as this device knows them. */
export interface GroupMember {
  userId: number;
  displayName: string;
  role: MemberRole;
  joinedAt: string;
  /** The first message they may see, once the server said (absent: all of them). */
  historyFrom?: number;
}

/** What a group is, as far as its title, members and this user's leaving go. */
export interface GroupFacts {
  title: string;
  members: GroupMember[];
  leftUpTo: number | null;
}

export interface LocalGroup {
  title: string;
  /** The server's roster version these members are (0 before the server confirmed any):
   * a roster arriving with a higher one replaces them. */
  rosterVersion: number;
  /** Current members, this user included while a member. */
  members: GroupMember[];
  /** Set once this user left or was removed: the last message they may see. The group
   * stays, read-only. */
  leftUpTo: number | null;
  /** Why the server refused this user's last change to the group, until the next one. */
  changeFailure?: { code: string; reason: string } | null;
  /** What the server last confirmed, kept while a change of this user's waits in the
   * outbox: the fields above are it with those changes laid over (see groups.ts). */
  confirmed?: GroupFacts | null;
}

export interface LocalConversation {
  /** Local primary key: `s<serverId>` for conversations first seen from the server, a
   * UUID (the `clientConvId`) for ones created on this device. */
  key: string;
  serverId: number | null;
  /** The other person of a two-person conversation; 0 and '' for a group. */
  otherUserId: number;
  otherDisplayName: string;
  /** Set for a group; absent for a two-person conversation. */
  group?: LocalGroup;
  conversationType: ConversationType;
  contextId: number | null;
  contextTitle: string | null;
  createdAt: string;
  /** ISO time of the newest message (or of creation): the list sorts on it. */
  lastActivityAt: string;
  lastMessagePreview: string | null;
  lastMessageSenderId: number | null;
  unreadCount: number;
  /** 1 while unreadCount > 0, absent otherwise: a sparse index for the badge. */
  hasUnread?: 1;
  pendingCount: number;
  failedCount: number;
  muted: boolean;
  /** The server's message version this device holds every change up to. */
  version: number;
  /** Every member's watermarks as far as this device knows them (merged by maximum). */
  members: MemberMarks[];
  /** This user's own marks the server has confirmed; below `members`' own entry while a
   * receipt is still to be sent. */
  confirmedMarks: Watermarks;
  /** 1 while this user's marks are ahead of `confirmedMarks`, absent otherwise. */
  receiptDue?: 1;
  /** Why the server refused to create this locally started conversation, if it did. */
  createFailure?: { code: string; reason: string } | null;
}

/** What a conversation holds before any message or receipt of it has been seen. */
export const UNTOUCHED_CONVERSATION = {
  lastMessagePreview: null,
  lastMessageSenderId: null,
  unreadCount: 0,
  pendingCount: 0,
  failedCount: 0,
  muted: false,
  version: 0,
  members: [],
  confirmedMarks: NO_WATERMARKS,
} as const satisfies Partial<LocalConversation>;

/** Synced messages are `sent` here; whether they were delivered or read is read off the
 * members' watermarks (see message-status.ts). */
export type StoredStatus = 'pending' | 'failed' | 'sent';

export interface LocalMessage {
  clientMsgId: string;
  convKey: string;
  serverId: number | null;
  senderId: number;
  messageType: MessageType;
  content: string;
  createdAt: string;
  updatedAt: string;
  status: StoredStatus;
  isEdited: boolean;
  isDeleted: boolean;
  /** The conversation's message version at which this copy is known (0 before the
   * server had it): of two copies the higher version wins. */
  version: number;
  /** Synced messages sort by server id, pending ones after them in the order they were
   * written here (DESIGN §3.6). */
  sortKey: string;
  /** Lower-cased word prefixes for offline full-text search (multi-entry index). */
  words: string[];
  failure: { code: string; reason: string } | null;
  /** The sort key while this is someone else's message and not deleted; absent otherwise.
   * With the conversation it is a sparse index: the unread messages are the range after
   * the user's read mark, counted without reading a row. */
  othersKey?: string;
  /** What the server last confirmed (content and flags), kept while a local edit or
   * delete is waiting so a refused change can be undone. */
  confirmed?: { content: string; isEdited: boolean; isDeleted: boolean } | null;
  /** An image's or file's description, for the log; its bytes are in `attachments`. */
  attachment?: MessageAttachment | null;
  /** The message this one answers, as its quote shows it (the server's copy once it has
   * one); the original's own row, when here, is newer. */
  replyTo?: LocalReply | null;
  /** Who reacted with what, as shown: the server's, with this user's waiting changes. */
  reactions?: ReactionsView;
  /** The reactions as the server last told them. */
  confirmedReactions?: ReactionsView;
  /** One's own group message: how far it was shown to have got before the group's members
   * changed, below which it never shows again (see `displayedStatus`). */
  statusReached?: 'delivered' | 'read';
  /** When the server sent it on its sender's behalf: the time it was due (a scheduled
   * message; later than `createdAt` means it went out late). */
  scheduledFor?: string | null;
}

export interface LocalReply {
  /** The original's server id; null while it is one's own message not yet stored. */
  messageId: number | null;
  /** The original's key here, when it was written on this device or is stored here. */
  clientMsgId: string | null;
  senderId: number;
  messageType: MessageType;
  preview: string;
  fileName: string | null;
  isDeleted: boolean;
}

export interface MessageAttachment {
  fileName: string;
  size: number;
  /** The server's sniffed type once it has the bytes; the device's guess before. */
  contentType: string;
  width: number | null;
  height: number | null;
  thumbnail: string | null;
  /** Where the server serves the bytes (`file_url`); null until it has them. */
  fileUrl: string | null;
}

/** Where a queued attachment's upload stands. `done`: the send is in the outbox. */
export type UploadState = 'queued' | 'done' | 'failed';

/** The bytes of one message's attachment on this device: a file queued here (with its
 * upload's progress on the server), or one downloaded to be opened. */
export interface LocalAttachment {
  clientMsgId: string;
  convKey: string;
  blob: Blob | null;
  /** Set while the device sends this file; absent for a received one. */
  upload?: {
    state: UploadState;
    /** The tus upload's URL, once the server created it: a restart resumes it. */
    url: string | null;
    /** The server's name for the upload, once it has every byte. */
    uploadId: string | null;
    error: { code: string; reason: string } | null;
  };
  /** 1 while an upload waits (queued), absent otherwise: a sparse index. */
  uploadWaiting?: 1;
  /** 1 while a received file waits to be fetched by itself (downloads.ts), absent
   * otherwise: a sparse index. */
  downloadWaiting?: 1;
}

/** An operation waiting to be pushed. `seq` keeps the order the user acted in. */
export interface OutboxEntry {
  seq?: number;
  /** `op.kind`, copied out so it can be indexed with the conversation. */
  kind: PushOpKind;
  /** Parsed with the protocol's schema when taken: an entry that does not parse fails
   * alone (DESIGN §3.2). */
  op: PushOp;
  /** The message this operation belongs to, so a failure can be shown on it. */
  clientMsgId: string | null;
  convKey: string | null;
  /** Set when the server rejected it for good; such entries are skipped, never retried
   * automatically, until the user retries or discards them. */
  rejected: { code: string; reason: string } | null;
  /** A send whose attachment is still uploading: skipped until the upload names it. */
  waitsForUpload?: true;
}

/** One of this user's messages written for later, which the server sends at its time
 * (docs/scheduling.md). What it shows is the server's last word with this user's change
 * still in the outbox laid over it; it goes once sent or cancelled, unless it has a
 * failure to show. */
export interface LocalScheduled {
  /** The id the message will have once sent. */
  clientMsgId: string;
  convKey: string;
  content: string;
  /** ISO time it is due. */
  dueAt: string;
  state: ScheduledState;
  /** What the server last said of it; null until it has. */
  confirmed: ScheduledView | null;
  /** Why it is not as the user asked: the server refused a change (`ALREADY_SENT` once it
   * had sent the message), or could not send it at its time. The next change clears it. */
  failure: { code: string; reason: string } | null;
}

export interface SyncStateRow {
  key: 'cursor' | 'userId';
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

/** `localSeq` is the outbox sequence of the message's send: it only grows on this device,
 * whatever the wall clock does. */
export function pendingSortKey(localSeq: number): string {
  return PENDING_SORT_PREFIX + String(localSeq).padStart(15, '0');
}

export function othersKeyOf(
  message: Pick<LocalMessage, 'senderId' | 'isDeleted' | 'sortKey'>,
  userId: number,
): string | undefined {
  return message.senderId !== userId && !message.isDeleted ? message.sortKey : undefined;
}

export type ChatDatabase = Dexie & {
  conversations: EntityTable<LocalConversation, 'key'>;
  messages: EntityTable<LocalMessage, 'clientMsgId'>;
  outbox: EntityTable<OutboxEntry, 'seq'>;
  syncState: EntityTable<SyncStateRow, 'key'>;
  drafts: EntityTable<Draft, 'convKey'>;
  attachments: EntityTable<LocalAttachment, 'clientMsgId'>;
  scheduled: EntityTable<LocalScheduled, 'clientMsgId'>;
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
  db.version(2).stores({
    messages:
      'clientMsgId, &serverId, [convKey+sortKey], [convKey+status], status, unreadConvKey, *words',
    outbox: '++seq, clientMsgId, convKey, [convKey+kind]',
  });
  // v3 (sync protocol 2): receipts are watermarks on the conversation, not outbox
  // entries or per-message statuses. The old cursor means nothing to the new server:
  // the next pull starts over and brings versions and watermarks.
  db.version(3)
    .stores({
      conversations: 'key, &serverId, lastActivityAt, otherUserId, hasUnread, receiptDue',
      messages:
        'clientMsgId, &serverId, [convKey+sortKey], [convKey+status], [convKey+othersKey], status, *words',
    })
    .upgrade(async (tx) => {
      await tx.table('syncState').delete('cursor');
      await tx
        .table<OutboxEntry>('outbox')
        .filter((e) => e.kind === 'deliveredUpTo' || e.kind === 'readUpTo')
        .delete();
      await tx
        .table<LocalConversation & Record<string, unknown>>('conversations')
        .toCollection()
        .modify((c) => {
          c.version = 0;
          c.members = [];
          c.confirmedMarks = { deliveredUpTo: 0, readUpTo: 0 };
          c.unreadCount = 0;
          delete c.hasUnread;
          delete c.deliveredQueuedUpTo;
          delete c.readQueuedUpTo;
        });
      // Pending messages keep their order under the new keys: their sends' sequence.
      const sendSeq = new Map<string, number>();
      await tx
        .table<OutboxEntry>('outbox')
        .filter((e) => e.kind === 'send')
        .each((e) => {
          if (e.clientMsgId && e.seq !== undefined) sendSeq.set(e.clientMsgId, e.seq);
        });
      await tx
        .table<LocalMessage & Record<string, unknown>>('messages')
        .toCollection()
        .modify((m) => {
          if (m.status !== 'pending' && m.status !== 'failed') m.status = 'sent';
          const seq = sendSeq.get(m.clientMsgId);
          if (m.serverId === null && seq !== undefined) m.sortKey = pendingSortKey(seq);
          m.version = 0;
          const others = othersKeyOf(m, userId);
          if (others) m.othersKey = others;
          delete m.serverStatus;
          delete m.changeSeq;
          delete m.unreadConvKey;
        });
    });
  // v4: attachments' bytes, apart from the messages the log reads.
  db.version(4).stores({ attachments: 'clientMsgId, convKey, uploadWaiting' });
  db.version(5).stores({ attachments: 'clientMsgId, convKey, uploadWaiting, downloadWaiting' });
  // v6: messages written for later, listed by due time and counted per conversation.
  db.version(6).stores({ scheduled: 'clientMsgId, dueAt, convKey' });
  // Another tab or a newer app version wants to upgrade the schema: let it.
  db.on('versionchange', () => {
    db.close();
    return false;
  });
  return db;
}
