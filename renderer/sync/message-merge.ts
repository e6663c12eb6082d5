// How a server copy of a message combines with the local row (DESIGN §3.6–3.7). Pure, so
// the rules can be tested without a database:
// - copies are ordered by message version: an older copy never replaces a newer one;
// - a server delete always wins; otherwise a local edit or delete still waiting in the
//   outbox keeps its content until the server confirms it;
// - a refused edit of a synced message stays visible (failed) until retried or dropped;
// - reactions are the newest copy's, with this user's waiting changes laid over them.
import type { OpOfKind, SyncMessage } from '../../shared/sync/protocol.ts';
import {
  type LocalMessage,
  type MessageAttachment,
  othersKeyOf,
  type StoredStatus,
  syncedSortKey,
} from './db.ts';
import { shownReactions } from './reactions.ts';
import { messageWords } from './words.ts';

export interface MergeInput {
  local: LocalMessage | undefined;
  copy: SyncMessage;
  /** The local primary key to use when the message is new here. */
  key: string;
  convKey: string;
  userId: number;
  /** An edit or delete of this message is waiting in the outbox. */
  hasLocalChange: boolean;
  /** This user's reactions to it waiting in the outbox, oldest first. */
  waitingReactions?: readonly OpOfKind<'react'>[];
}

export function mergeMessage({
  local,
  copy,
  key,
  convKey,
  userId,
  hasLocalChange,
  waitingReactions = [],
}: MergeInput): LocalMessage {
  const isNewer = !local || local.serverId === null || copy.version >= local.version;
  let content = local?.content ?? copy.content;
  let isEdited = local?.isEdited ?? copy.isEdited;
  let isDeleted = local?.isDeleted ?? copy.isDeleted;
  if (copy.isDeleted) {
    // A delete wins over any edit, local or not, older or newer.
    content = '';
    isEdited = copy.isEdited;
    isDeleted = true;
  } else if (isNewer && (!hasLocalChange || !local)) {
    content = copy.content;
    isEdited = copy.isEdited;
    isDeleted = false;
  }
  const status: StoredStatus =
    local?.status === 'failed' && local.serverId !== null ? 'failed' : 'sent';
  const merged: LocalMessage = {
    clientMsgId: local?.clientMsgId ?? key,
    convKey,
    serverId: copy.messageId,
    senderId: copy.senderId,
    messageType: copy.messageType,
    content,
    createdAt: copy.createdAt,
    updatedAt: isNewer ? copy.updatedAt : (local?.updatedAt ?? copy.updatedAt),
    status,
    isEdited,
    isDeleted,
    version: Math.max(copy.version, local?.version ?? 0),
    sortKey: syncedSortKey(copy.messageId),
    words:
      local && content === local.content && isDeleted === local.isDeleted
        ? local.words
        : isDeleted
          ? []
          : messageWords(content),
    failure: status === 'failed' ? (local?.failure ?? null) : null,
    confirmed:
      isNewer || copy.isDeleted
        ? { content: copy.content, isEdited: copy.isEdited, isDeleted: copy.isDeleted }
        : (local?.confirmed ?? null),
  };
  const attachment = mergedAttachment(copy, isDeleted);
  if (attachment) merged.attachment = attachment;
  // How far it was shown to have got is this device's, whatever the copy says.
  if (local?.statusReached) merged.statusReached = local.statusReached;
  if (copy.scheduledFor) merged.scheduledFor = copy.scheduledFor;
  // A newer copy brings the server's reactions; an older one leaves the newer ones.
  const confirmedReactions = isNewer || !local ? copy.reactions : (local.confirmedReactions ?? []);
  if (!isDeleted && (confirmedReactions.length > 0 || waitingReactions.length > 0)) {
    merged.confirmedReactions = confirmedReactions;
    merged.reactions = shownReactions(confirmedReactions, waitingReactions, userId);
  }
  // The server's quote, keeping the key of the original if this device wrote the reply.
  // A reply whose original was discarded before the server had it names nothing there;
  // the device that wrote it keeps quoting it as deleted.
  if (copy.replyTo) {
    merged.replyTo = { ...copy.replyTo, clientMsgId: local?.replyTo?.clientMsgId ?? null };
  } else if (local?.replyTo?.messageId === null && local.replyTo.isDeleted) {
    merged.replyTo = local.replyTo;
  }
  const othersKey = othersKeyOf(merged, userId);
  if (othersKey) merged.othersKey = othersKey;
  return merged;
}

/** The server's description of the attachment, gone with a delete. */
function mergedAttachment(copy: SyncMessage, isDeleted: boolean): MessageAttachment | null {
  if (isDeleted || !copy.attachment) return null;
  return {
    fileName: copy.fileName ?? 'attachment',
    size: copy.fileSize ?? 0,
    contentType: copy.attachment.contentType,
    width: copy.attachment.width,
    height: copy.attachment.height,
    thumbnail: copy.attachment.thumbnail,
    fileUrl: copy.fileUrl,
  };
}
