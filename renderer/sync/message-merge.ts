// How a server version of a message combines with the local row (DESIGN §3.5–3.7).
// Pure, so the rules can be tested without a database:
// - versions are ordered by changeSeq: an older server version never replaces a newer;
// - statuses only rise (lattice maximum), on the device as on the server;
// - a server delete always wins; otherwise a local edit or delete still waiting in the
//   outbox keeps its content until the server confirms it.
import type { MessageView } from '../../shared/model.ts';
import { type LocalStatus, mergeStatus, type ServerStatus } from '../../shared/sync/status.ts';
import { type LocalMessage, syncedSortKey, unreadKeyOf } from './db.ts';
import { messageWords } from './words.ts';

export interface MergeInput {
  local: LocalMessage | undefined;
  view: MessageView;
  /** The local primary key to use when the message is new here. */
  key: string;
  convKey: string;
  userId: number;
  /** An edit or delete of this message is waiting in the outbox. */
  hasLocalChange: boolean;
}

export function mergeMessage({ local, view, key, convKey, userId, hasLocalChange }: MergeInput) {
  const isNewer = !local || local.serverId === null || view.changeSeq >= local.changeSeq;
  const serverStatus: ServerStatus = local?.serverStatus
    ? mergeStatus(local.serverStatus, view.status)
    : view.status;

  let content = local?.content ?? view.content;
  let isEdited = local?.isEdited ?? view.isEdited;
  let isDeleted = local?.isDeleted ?? view.isDeleted;
  if (isNewer) {
    if (view.isDeleted) {
      // A delete wins over any edit, local or not.
      content = '';
      isEdited = view.isEdited;
      isDeleted = true;
    } else if (!hasLocalChange || !local) {
      content = view.content;
      isEdited = view.isEdited;
      isDeleted = false;
    }
  }

  const status = nextStatus(local, serverStatus);
  const message: LocalMessage = {
    clientMsgId: local?.clientMsgId ?? key,
    convKey,
    serverId: view.messageId,
    senderId: view.senderId,
    messageType: view.messageType,
    content,
    createdAt: view.createdAt,
    updatedAt: isNewer ? view.updatedAt : (local?.updatedAt ?? view.updatedAt),
    status,
    serverStatus,
    isEdited,
    isDeleted,
    changeSeq: Math.max(view.changeSeq, local?.changeSeq ?? 0),
    sortKey: syncedSortKey(view.messageId),
    words:
      local && content === local.content && isDeleted === local.isDeleted
        ? local.words
        : isDeleted
          ? []
          : messageWords(content),
    failure: status === 'failed' ? (local?.failure ?? null) : null,
    confirmed: isNewer
      ? { content: view.content, isEdited: view.isEdited, isDeleted: view.isDeleted }
      : (local?.confirmed ?? null),
  };
  const unread = unreadKeyOf(message, userId);
  if (unread) message.unreadConvKey = unread;
  return message;
}

function nextStatus(local: LocalMessage | undefined, serverStatus: ServerStatus): LocalStatus {
  if (!local) return serverStatus;
  // A refused edit or delete of a synced message stays visible until retried/discarded.
  if (local.status === 'failed' && local.serverId !== null) return 'failed';
  if (local.status === 'pending' || local.status === 'failed') return serverStatus;
  return mergeStatus(local.status, serverStatus);
}
