// The sync engine as the UI sees it: actions and observable status. Reads go straight to
// Dexie through live queries (see queries.ts); this is everything else.
import type { ErrorCode } from '../../shared/errors.ts';
import type { GroupChange, ReceiptDetails } from '../../shared/groups.ts';
import type { PublicUser } from '../../shared/model.ts';
import type { ConversationType } from '../../shared/schemas.ts';
import type { LocalConversation, LocalMessage } from './db.ts';

export type Connectivity = 'online' | 'offline' | 'syncing';

export interface SyncStatus {
  connectivity: Connectivity;
  pendingCount: number;
  failedCount: number;
  lastError: string | null;
  /** The code behind `lastError` when the server gave one; `UNAUTHENTICATED` means the
   * session is gone and sync waits for a new sign-in (or `syncNow`);
   * `PROTOCOL_INCOMPATIBLE` means the server needs a newer app: nothing syncs until the
   * app is updated, and nothing stored here is lost. */
  lastErrorCode?: ErrorCode | null;
  /** Epoch ms of the last pull that completed, or null before the first. */
  lastSyncedAt: number | null;
}

export interface OpenConversationRequest {
  otherUserId: number;
  otherDisplayName: string;
  conversationType: ConversationType;
  contextId: number | null;
  contextTitle: string | null;
}

export interface CreateGroupRequest {
  title: string;
  /** The others it starts with (at least two). */
  members: readonly PublicUser[];
  conversationType: ConversationType;
  contextId: number | null;
  contextTitle: string | null;
}

/** What changes of a message written for later: its text, its time, or both. */
export interface ScheduledChange {
  content?: string;
  dueAt?: Date;
}

/** A message from someone else that this device just stored for the first time. */
export interface IncomingMessage {
  message: LocalMessage;
  conversation: LocalConversation;
  /** Set when what came is someone's reaction to this user's `message`. */
  reaction?: { emoji: string; userId: number };
}

export interface SyncEngineApi {
  readonly userId: number;
  start(): void;
  stop(): Promise<void>;
  /** Pull now and drain the outbox (on resume, on `online`, on user request). */
  syncNow(): void;
  /** `replyTo` is the key of the message this one answers, in the same conversation. */
  sendMessage(convKey: string, content: string, replyTo?: string): Promise<string>;
  /** Queues an image or file (its bytes kept on this device at once) with an optional
   * caption; it uploads when online and is sent once the server has every byte. */
  sendAttachment(convKey: string, file: PreparedAttachment, caption: string): Promise<string>;
  editMessage(clientMsgId: string, content: string): Promise<void>;
  deleteMessage(clientMsgId: string): Promise<void>;
  /** Puts this user's reaction with `emoji` on a message the server has, or takes it
   * back; works offline. */
  toggleReaction(clientMsgId: string, emoji: string): Promise<void>;
  /** Writes a text message for later: the server sends it at `dueAt` as this user, even
   * with every device of theirs off. Works offline; returns the id it will have once sent.
   * Throws when the text or the time cannot be sent (at most a year ahead). */
  scheduleMessage(convKey: string, content: string, dueAt: Date): Promise<string>;
  /** Changes the text or the time of a message still waiting (or one the server could
   * not send: it is scheduled again). Throws once it was sent. */
  changeScheduled(clientMsgId: string, change: ScheduledChange): Promise<void>;
  /** Sends a waiting message now instead of at its time. */
  sendScheduledNow(clientMsgId: string): Promise<void>;
  /** Takes back a waiting message; it is never sent. */
  cancelScheduled(clientMsgId: string): Promise<void>;
  /** Takes one whose failure was shown (not sent, or a change that came too late) off
   * the list. */
  dismissScheduled(clientMsgId: string): Promise<void>;
  /** Stops a pending file's upload; the message fails, and a retry resumes it. */
  cancelUpload(clientMsgId: string): Promise<void>;
  retry(clientMsgId: string): Promise<void>;
  discard(clientMsgId: string): Promise<void>;
  retryAll(): Promise<void>;
  discardAll(): Promise<void>;
  /** Finds the local conversation for this pair and context, or creates it locally
   * (kept on this device until its first message is sent, so the other person never
   * sees an empty conversation); returns its local key. Works offline. */
  openConversation(request: OpenConversationRequest): Promise<string>;
  /** Creates a group on this device at once (this user its admin) and queues it for the
   * server, with everything written in it meanwhile; returns its local key. Works
   * offline. */
  createGroup(request: CreateGroupRequest): Promise<string>;
  /** Renames, adds or removes members (admins), or leaves; shown here at once, queued
   * for the server, which may refuse it (`LocalGroup.changeFailure` then says why). */
  changeGroup(convKey: string, change: GroupChange): Promise<void>;
  /** Who of a group has received and read one of this user's messages, and when; asks
   * the server (null while offline or when it does not answer). */
  receiptDetails(clientMsgId: string): Promise<ReceiptDetails | null>;
  /** The UI had this conversation on screen with the window focused. */
  markSeen(convKey: string): Promise<void>;
  getStatus(): SyncStatus;
  onStatus(listener: (status: SyncStatus) => void): () => void;
  onIncoming(listener: (incoming: IncomingMessage) => void): () => void;
  /** Conversation partners connected right now (any device), for the conversation list. */
  getOnlineUsers(): ReadonlySet<number>;
  onOnlineUsers(listener: (userIds: ReadonlySet<number>) => void): () => void;
}

/** A file ready to queue: for an image, its measured size and thumbnail (made on this
 * device, so the server needs no image library). */
export interface PreparedAttachment {
  kind: 'image' | 'file';
  blob: Blob;
  fileName: string;
  contentType: string;
  image: { width: number; height: number; thumbnail: string } | null;
}
