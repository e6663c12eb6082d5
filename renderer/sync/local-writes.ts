// What the user does, written locally first (DESIGN §3.1): each action changes its rows
// and queues its operation in one Dexie transaction, so a crash never leaves a message
// without its operation or an operation without its message. Any tab may write; the
// leader tab pushes (see engine.ts).
import type { ImageMeta } from '../../shared/attachments.ts';
import { emojiSchema } from '../../shared/reactions.ts';
import { quotedText, type ReplyRef } from '../../shared/replies.ts';
import type { PushOp } from '../../shared/sync/protocol.ts';
import type { OpenConversationRequest, PreparedAttachment } from './api.ts';
import { laterTime, messagePreview, refreshConversationStats } from './conversation-stats.ts';
import {
  type ChatDatabase,
  type LocalConversation,
  type LocalMessage,
  type LocalReply,
  PENDING_SORT_PREFIX,
  pendingSortKey,
  syncedSortKey,
  UNTOUCHED_CONVERSATION,
} from './db.ts';
import { createGroupWrites } from './group-writes.ts';
import { createGroupOpFor, isReadOnly, LEFT_GROUP_ERROR } from './groups.ts';
import { marksOf, receiptFields, withMemberMarks } from './marks.ts';
import type { Outbox } from './outbox.ts';
import { hasReacted, withReaction } from './reactions.ts';
import { createScheduledWrites } from './scheduled-writes.ts';
import { prepareContextTitle, prepareMessageText } from './typed-text.ts';
import { messageWords } from './words.ts';

/** The failure code of a message whose upload the user stopped. */
export const UPLOAD_CANCELLED = 'UPLOAD_CANCELLED';

export interface LocalWriteDeps {
  db: ChatDatabase;
  userId: number;
  now: () => number;
  newId: () => string;
  outbox: Outbox;
}

export type LocalWrites = ReturnType<typeof createLocalWrites>;

/** What a send says of an image: measured on this device when it was attached. */
export function imageMetaOf(attachment: LocalMessage['attachment']): ImageMeta | null {
  if (!attachment?.width || !attachment.height || !attachment.thumbnail) return null;
  return { width: attachment.width, height: attachment.height, thumbnail: attachment.thumbnail };
}

/** The send of a message; one with an attachment names its upload once it has one. */
function sendOpFor(
  conversation: Pick<LocalConversation, 'serverId' | 'key'>,
  message: Pick<LocalMessage, 'clientMsgId' | 'content' | 'messageType' | 'attachment' | 'replyTo'>,
  uploadId: string | null,
  opId: string,
): PushOp {
  const image = message.messageType === 'image' ? imageMetaOf(message.attachment) : null;
  return {
    opId,
    kind: 'send',
    conversation:
      conversation.serverId !== null
        ? { conversationId: conversation.serverId }
        : { clientConvId: conversation.key },
    clientMsgId: message.clientMsgId,
    content: message.content,
    messageType: message.messageType === 'system' ? 'text' : message.messageType,
    ...(uploadId ? { attachment: { uploadId, ...(image ? { image } : {}) } } : {}),
    ...replyRefOf(message.replyTo),
  };
}

/** How a send names the original: by server id, or one's own unsent one by its key (its
 * send is earlier in the outbox, so the server has it first). */
function replyRefOf(reply: LocalReply | null | undefined): { replyTo?: ReplyRef } {
  if (!reply) return {};
  if (reply.messageId !== null) return { replyTo: { messageId: reply.messageId } };
  return reply.clientMsgId ? { replyTo: { clientMsgId: reply.clientMsgId } } : {};
}

/** The quote of `original` as this device shows it before the server answers. */
export function replyOf(original: LocalMessage): LocalReply {
  return {
    messageId: original.serverId,
    clientMsgId: original.clientMsgId,
    senderId: original.senderId,
    messageType: original.messageType,
    ...quotedText({ ...original, fileName: original.attachment?.fileName ?? null }),
  };
}

function createOp(conversation: LocalConversation, opId: string, userId: number): PushOp {
  if (conversation.group) return createGroupOpFor(conversation, userId, opId);
  return {
    opId,
    kind: 'createConversation',
    clientConvId: conversation.key,
    otherUserId: conversation.otherUserId,
    conversationType: conversation.conversationType,
    contextId: conversation.contextId,
    contextTitle: conversation.contextTitle,
  };
}

function snapshot(message: LocalMessage): LocalMessage['confirmed'] {
  if (message.confirmed) return message.confirmed;
  if (message.serverId === null) return null;
  return { content: message.content, isEdited: message.isEdited, isDeleted: message.isDeleted };
}

export function createLocalWrites({ db, userId, now, newId, outbox }: LocalWriteDeps) {
  const iso = () => new Date(now()).toISOString();
  const inTransaction = <T>(work: () => Promise<T>) =>
    db.transaction(
      'rw',
      [db.conversations, db.messages, db.outbox, db.drafts, db.attachments],
      work,
    );

  async function ownMessage(clientMsgId: string): Promise<LocalMessage | undefined> {
    const message = await db.messages.get(clientMsgId);
    if (message && message.senderId !== userId) {
      throw new Error('only your own messages can be changed');
    }
    return message;
  }

  /** Nothing is written in a group this user left (or is leaving). */
  async function assertWritable(convKey: string): Promise<void> {
    const conversation = await db.conversations.get(convKey);
    if (conversation && isReadOnly(conversation)) throw new Error(LEFT_GROUP_ERROR);
  }

  /** A conversation started here needs its create queued before anything that uses it;
   * a refused create is queued afresh (the user is trying again). */
  async function ensureCreateQueued(conversation: LocalConversation): Promise<void> {
    if (conversation.serverId !== null) return;
    const creates = await db.outbox
      .where('[convKey+kind]')
      .equals([conversation.key, conversation.group ? 'createGroup' : 'createConversation'])
      .toArray();
    if (creates.some((e) => e.rejected === null)) return;
    await db.outbox.bulkDelete(creates.map((e) => e.seq!));
    await outbox.add({
      op: createOp(conversation, newId(), userId),
      clientMsgId: null,
      convKey: conversation.key,
    });
    await db.conversations.update(conversation.key, { createFailure: null });
  }

  /** Raises this user's read mark to the newest message of someone else in the
   * conversation and clears its unread count; returns whether a receipt became due. */
  async function markReadIn(convKey: string): Promise<boolean> {
    const conversation = await db.conversations.get(convKey);
    if (!conversation) return false;
    const newest = await db.messages
      .where('[convKey+othersKey]')
      .between([convKey, syncedSortKey(0)], [convKey, PENDING_SORT_PREFIX], true, false)
      .last();
    const upTo = newest?.serverId ?? 0;
    const mine = marksOf(conversation, userId);
    if (upTo <= mine.readUpTo) {
      if (conversation.unreadCount !== 0)
        await db.conversations.update(convKey, { unreadCount: 0, hasUnread: undefined });
      return false;
    }
    const members = withMemberMarks(conversation.members, {
      userId,
      deliveredUpTo: upTo,
      readUpTo: upTo,
    });
    const fields = receiptFields(members, conversation.confirmedMarks, userId);
    await db.conversations.update(convKey, { ...fields, unreadCount: 0, hasUnread: undefined });
    return fields.receiptDue === 1;
  }

  /** Drops refused operations of a synced message that a new change supersedes. */
  async function clearRefusal(message: LocalMessage): Promise<Partial<LocalMessage>> {
    if (message.status !== 'failed') return {};
    const refused = await db.outbox.where('clientMsgId').equals(message.clientMsgId).toArray();
    await db.outbox.bulkDelete(refused.filter((e) => e.rejected !== null).map((e) => e.seq!));
    return { status: 'sent', failure: null };
  }

  async function discardIn(message: LocalMessage): Promise<void> {
    const ops = await db.outbox.where('clientMsgId').equals(message.clientMsgId).toArray();
    await db.outbox.bulkDelete(ops.map((e) => e.seq!));
    if (message.serverId === null) {
      await db.messages.delete(message.clientMsgId);
      // Its upload, if one runs, stops when its row goes (see uploads.ts).
      await db.attachments.delete(message.clientMsgId);
      await forgetAsOriginal(message);
    } else {
      const confirmed = snapshot(message) ?? message;
      await db.messages.update(message.clientMsgId, {
        content: confirmed.content,
        isEdited: confirmed.isEdited,
        isDeleted: confirmed.isDeleted,
        words: confirmed.isDeleted ? [] : messageWords(confirmed.content),
        status: 'sent',
        failure: null,
      });
    }
    await refreshConversationStats(db, userId, [message.convKey]);
  }

  /** Replies waiting to be sent to a message the server will never have quote it as
   * deleted and name nothing (the server would refuse them otherwise). */
  async function forgetAsOriginal(message: LocalMessage): Promise<void> {
    const sends = await db.outbox
      .where('[convKey+kind]')
      .equals([message.convKey, 'send'])
      .toArray();
    for (const entry of sends) {
      const { op } = entry;
      if (op.kind !== 'send' || !op.replyTo || !('clientMsgId' in op.replyTo)) continue;
      if (op.replyTo.clientMsgId !== message.clientMsgId) continue;
      const { replyTo: _gone, ...unquoted } = op;
      await db.outbox.update(entry.seq!, { op: unquoted });
      const reply = entry.clientMsgId ? await db.messages.get(entry.clientMsgId) : undefined;
      if (reply?.replyTo) {
        await db.messages.update(reply.clientMsgId, {
          replyTo: { ...reply.replyTo, clientMsgId: null, preview: '', isDeleted: true },
        });
      }
    }
  }

  async function retryIn(message: LocalMessage): Promise<void> {
    if (message.status !== 'failed') return;
    const ops = await db.outbox.where('clientMsgId').equals(message.clientMsgId).toArray();
    if (message.serverId === null) {
      // Never stored by the server: send it again as it is now (same client id, so a
      // retry that races an earlier attempt is still applied once).
      await db.outbox.bulkDelete(ops.map((e) => e.seq!));
      const conversation = await db.conversations.get(message.convKey);
      if (!conversation) throw new Error('the conversation of this message is gone');
      await ensureCreateQueued(conversation);
      const attachment = await db.attachments.get(message.clientMsgId);
      const uploaded = attachment?.upload?.uploadId ?? null;
      await outbox.add({
        op: sendOpFor(conversation, message, uploaded, newId()),
        clientMsgId: message.clientMsgId,
        convKey: message.convKey,
        ...(attachment && !uploaded ? { waitsForUpload: true } : {}),
      });
      if (attachment?.upload && !uploaded) {
        // A refused upload is gone on the server: it starts again from the first byte.
        // A cancelled one resumes where it stopped.
        const isCancelled = attachment.upload.error?.code === UPLOAD_CANCELLED;
        await db.attachments.update(message.clientMsgId, {
          upload: {
            state: 'queued',
            url: isCancelled ? attachment.upload.url : null,
            uploadId: null,
            error: null,
          },
          uploadWaiting: 1,
        });
      }
      await db.messages.update(message.clientMsgId, { status: 'pending', failure: null });
    } else {
      await db.outbox
        .where('clientMsgId')
        .equals(message.clientMsgId)
        .modify((e) => {
          e.rejected = null;
        });
      await db.messages.update(message.clientMsgId, { status: 'sent', failure: null });
    }
    await refreshConversationStats(db, userId, [message.convKey]);
  }

  /** A new message of this user, pending, and its send; with `blob`, the bytes of its
   * attachment too, the send waiting in the outbox (in order) until they are uploaded. */
  /** The quote of the message being answered, if it is one of this conversation that
   * can be answered (not deleted, not someone else's unsent one). */
  async function replyToIn(convKey: string, originalKey: string | undefined) {
    if (!originalKey) return null;
    const original = await db.messages.get(originalKey);
    if (!original || original.convKey !== convKey || original.isDeleted) {
      throw new Error('the message you are answering is no longer here');
    }
    if (original.serverId === null && original.senderId !== userId) return null;
    return replyOf(original);
  }

  async function queueSend(
    convKey: string,
    fields: Pick<LocalMessage, 'messageType' | 'content' | 'words' | 'attachment'>,
    blob: Blob | null = null,
    replyToKey?: string,
  ): Promise<string> {
    const createdAt = new Date(now()).toISOString();
    const clientMsgId = newId();
    await inTransaction(async () => {
      const conversation = await db.conversations.get(convKey);
      if (!conversation) throw new Error(`no conversation ${convKey}`);
      if (isReadOnly(conversation)) throw new Error(LEFT_GROUP_ERROR);
      await ensureCreateQueued(conversation);
      const replyTo = await replyToIn(convKey, replyToKey);
      const message: LocalMessage = {
        clientMsgId,
        convKey,
        serverId: null,
        senderId: userId,
        ...fields,
        ...(replyTo ? { replyTo } : {}),
        createdAt,
        updatedAt: createdAt,
        status: 'pending',
        isEdited: false,
        isDeleted: false,
        version: 0,
        sortKey: '',
        failure: null,
        confirmed: null,
      };
      // The send's outbox sequence orders the message among pending ones.
      const seq = await outbox.add({
        op: sendOpFor(conversation, message, null, newId()),
        clientMsgId,
        convKey,
        ...(blob ? { waitsForUpload: true } : {}),
      });
      await db.messages.add({ ...message, sortKey: pendingSortKey(seq) });
      if (blob) {
        await db.attachments.add({
          clientMsgId,
          convKey,
          blob,
          upload: { state: 'queued', url: null, uploadId: null, error: null },
          uploadWaiting: 1,
        });
      }
      // The newest message of the conversation, and one more pending: known without
      // recounting (sending is the hot path; a long offline queue must stay cheap).
      await db.conversations.update(convKey, {
        pendingCount: conversation.pendingCount + 1,
        lastMessagePreview: messagePreview(message),
        lastMessageSenderId: userId,
        lastActivityAt: laterTime(createdAt, conversation.lastActivityAt),
      });
      // Replying means what came before was read, as in Signal: the badge goes.
      await markReadIn(convKey);
    });
    return clientMsgId;
  }

  return {
    /** `replyTo` is the key of the message this one answers. */
    sendMessage(convKey: string, content: string, replyTo?: string): Promise<string> {
      const text = prepareMessageText(content);
      return queueSend(
        convKey,
        { messageType: 'text', content: text, words: messageWords(text) },
        null,
        replyTo,
      );
    },

    sendAttachment(convKey: string, file: PreparedAttachment, caption: string): Promise<string> {
      const text = caption.trim() === '' ? '' : prepareMessageText(caption);
      return queueSend(
        convKey,
        {
          messageType: file.kind,
          content: text,
          words: messageWords(`${text} ${file.fileName}`),
          attachment: {
            fileName: file.fileName,
            size: file.blob.size,
            contentType: file.contentType,
            width: file.image?.width ?? null,
            height: file.image?.height ?? null,
            thumbnail: file.image?.thumbnail ?? null,
            fileUrl: null,
          },
        },
        file.blob,
      );
    },

    /** Returns whether an operation was queued. */
    async editMessage(clientMsgId: string, content: string): Promise<boolean> {
      return inTransaction(async () => {
        const message = await ownMessage(clientMsgId);
        if (message) await assertWritable(message.convKey);
        // An attachment's caption may be emptied; a text message keeps words.
        const text =
          message?.attachment && content.trim() === '' ? '' : prepareMessageText(content);
        // A delete wins over an edit.
        if (!message || message.isDeleted || message.content === text) return false;
        const isUnsent = message.serverId === null && message.status === 'failed';
        const refusal = isUnsent ? {} : await clearRefusal(message);
        await db.messages.update(clientMsgId, {
          ...refusal,
          content: text,
          // A message the server never stored is not "edited": it will be sent as is.
          isEdited: isUnsent ? message.isEdited : true,
          words: messageWords(text),
          updatedAt: iso(),
          confirmed: snapshot(message),
        });
        if (!isUnsent) {
          await outbox.add({
            op: { opId: newId(), kind: 'edit', clientMsgId, content: text },
            clientMsgId,
            convKey: message.convKey,
          });
        }
        await refreshConversationStats(db, userId, [message.convKey]);
        return !isUnsent;
      });
    },

    async deleteMessage(clientMsgId: string): Promise<boolean> {
      return inTransaction(async () => {
        const message = await ownMessage(clientMsgId);
        if (!message || message.isDeleted) return false;
        const ops = await db.outbox.where('clientMsgId').equals(clientMsgId).toArray();
        if (
          message.serverId === null &&
          (message.status === 'failed' || ops.some((e) => e.waitsForUpload))
        ) {
          // The server never stored it (a file still uploading cannot have been sent):
          // there is nothing to delete there.
          await discardIn(message);
          return false;
        }
        await assertWritable(message.convKey);
        await db.attachments.delete(clientMsgId);
        const refusal = await clearRefusal(message);
        await db.messages.update(clientMsgId, {
          ...refusal,
          content: '',
          isDeleted: true,
          words: [],
          updatedAt: iso(),
          confirmed: snapshot(message),
        });
        await outbox.add({
          op: { opId: newId(), kind: 'delete', clientMsgId },
          clientMsgId,
          convKey: message.convKey,
        });
        await refreshConversationStats(db, userId, [message.convKey]);
        return true;
      });
    },

    /** Puts this user's reaction with `emoji` on a message, or takes it back if it is
     * there. Only a message the server has can be reacted to. Returns whether an
     * operation was queued. */
    async toggleReaction(clientMsgId: string, emoji: string): Promise<boolean> {
      const parsed = emojiSchema.safeParse(emoji);
      if (!parsed.success) throw new Error('a reaction is one emoji');
      return inTransaction(async () => {
        const message = await db.messages.get(clientMsgId);
        if (!message || message.isDeleted || message.serverId === null) return false;
        await assertWritable(message.convKey);
        const shown = message.reactions ?? [];
        const isOn = !hasReacted(shown, emoji, userId);
        // The newest change is the one that counts: an older one still waiting goes.
        const earlier = (
          await db.outbox.where('[convKey+kind]').equals([message.convKey, 'react']).toArray()
        ).filter(
          (e) => e.clientMsgId === clientMsgId && e.op.kind === 'react' && e.op.emoji === emoji,
        );
        await db.outbox.bulkDelete(earlier.map((e) => e.seq!));
        await outbox.add({
          op: {
            opId: newId(),
            kind: 'react',
            message: { messageId: message.serverId },
            emoji,
            isOn,
            at: iso(),
          },
          clientMsgId,
          convKey: message.convKey,
        });
        await db.messages.update(clientMsgId, {
          reactions: withReaction(shown, emoji, userId, isOn),
          confirmedReactions: message.confirmedReactions ?? [],
        });
        return true;
      });
    },

    /** Stops a queued file's upload where it is: the message fails as cancelled, and a
     * retry resumes from the bytes the server already has. Returns whether it stopped. */
    async cancelUpload(clientMsgId: string): Promise<boolean> {
      return inTransaction(async () => {
        const [message, row] = await Promise.all([
          ownMessage(clientMsgId),
          db.attachments.get(clientMsgId),
        ]);
        if (message?.status !== 'pending' || row?.upload?.state !== 'queued') {
          return false;
        }
        const failure = { code: UPLOAD_CANCELLED, reason: 'upload cancelled' };
        await db.attachments.update(clientMsgId, {
          upload: { ...row.upload, state: 'failed', error: failure },
          uploadWaiting: undefined,
        });
        await db.outbox
          .where('clientMsgId')
          .equals(clientMsgId)
          .modify((entry) => {
            entry.rejected ??= failure;
          });
        await db.messages.update(clientMsgId, { status: 'failed', failure });
        await refreshConversationStats(db, userId, [message.convKey]);
        return true;
      });
    },

    async retry(clientMsgId: string): Promise<void> {
      await inTransaction(async () => {
        const message = await ownMessage(clientMsgId);
        if (!message) return;
        await assertWritable(message.convKey);
        await retryIn(message);
      });
    },

    async discard(clientMsgId: string): Promise<void> {
      await inTransaction(async () => {
        const message = await ownMessage(clientMsgId);
        if (message) await discardIn(message);
      });
    },

    async retryAll(): Promise<void> {
      await inTransaction(async () => {
        const failed = await db.messages.where('status').equals('failed').toArray();
        const readOnly = new Set(
          (await db.conversations.bulkGet([...new Set(failed.map((m) => m.convKey))])).flatMap(
            (c) => (c && isReadOnly(c) ? [c.key] : []),
          ),
        );
        for (const message of failed) {
          if (message.senderId === userId && !readOnly.has(message.convKey)) await retryIn(message);
        }
      });
    },

    async discardAll(): Promise<void> {
      await inTransaction(async () => {
        const failed = await db.messages.where('status').equals('failed').toArray();
        for (const message of failed) if (message.senderId === userId) await discardIn(message);
      });
    },

    async openConversation(request: OpenConversationRequest): Promise<string> {
      if (request.otherUserId === userId)
        throw new Error('cannot start a conversation with yourself');
      const contextTitle = prepareContextTitle(request.contextTitle);
      return inTransaction(async () => {
        const sameUser = await db.conversations
          .where('otherUserId')
          .equals(request.otherUserId)
          .toArray();
        const found = sameUser.find(
          (c) =>
            c.conversationType === request.conversationType &&
            (c.contextId ?? null) === (request.contextId ?? null),
        );
        if (found) return found.key;
        const createdAt = iso();
        const conversation: LocalConversation = {
          key: newId(),
          serverId: null,
          otherUserId: request.otherUserId,
          otherDisplayName: request.otherDisplayName,
          conversationType: request.conversationType,
          contextId: request.contextId,
          contextTitle,
          createdAt,
          lastActivityAt: createdAt,
          ...UNTOUCHED_CONVERSATION,
          createFailure: null,
        };
        // Held here until the first message: its create is queued with that send
        // (ensureCreateQueued), so the other person never sees an empty conversation.
        await db.conversations.add(conversation);
        return conversation.key;
      });
    },

    ...createGroupWrites({ db, userId, now, newId, outbox, ensureCreateQueued }),

    ...createScheduledWrites({ db, now, newId, outbox, ensureCreateQueued }),

    /** Raises this user's read mark to the newest message of someone else here; the
     * leader sends the receipt. Returns whether one became due. */
    async markSeen(convKey: string): Promise<boolean> {
      return inTransaction(() => markReadIn(convKey));
    },
  };
}
