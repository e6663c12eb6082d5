// Stores what the server said (pulled pages and push answers) into the local database.
// Runs inside the caller's transaction; finds rows through indexes and writes in chunks.
import Dexie from 'dexie';
import type { ConversationView, MessageView } from '../../shared/model.ts';
import type { ChatDatabase, LocalConversation, LocalMessage } from './db.ts';
import { mergeMessage } from './message-merge.ts';

const WRITE_CHUNK = 1000;

export interface StoredMessages {
  /** Someone else's messages stored here for the first time, unread and not deleted. */
  incoming: LocalMessage[];
  /** Conversations whose messages changed. */
  touched: Set<string>;
  /** Per conversation, the highest id of someone else's message the server still has
   * as merely `sent`: what a delivered receipt should cover. */
  deliverable: Map<string, number>;
}

export function serverConversationKey(serverId: number): string {
  return `s${serverId}`;
}

function isSameConversation(local: LocalConversation, view: ConversationView): boolean {
  return (
    local.otherUserId === view.otherUser.userId &&
    local.conversationType === view.conversationType &&
    (local.contextId ?? null) === (view.contextId ?? null)
  );
}

function withServerFields(base: LocalConversation, view: ConversationView): LocalConversation {
  return {
    ...base,
    serverId: view.conversationId,
    otherUserId: view.otherUser.userId,
    otherDisplayName: view.otherUser.displayName,
    conversationType: view.conversationType,
    contextId: view.contextId,
    contextTitle: view.contextTitle,
    createdAt: view.createdAt,
    createFailure: null,
  };
}

function newConversation(key: string, view: ConversationView): LocalConversation {
  return withServerFields(
    {
      key,
      serverId: view.conversationId,
      otherUserId: view.otherUser.userId,
      otherDisplayName: view.otherUser.displayName,
      conversationType: view.conversationType,
      contextId: view.contextId,
      contextTitle: view.contextTitle,
      createdAt: view.createdAt,
      lastActivityAt: view.lastMessageAt ?? view.createdAt,
      lastMessagePreview: null,
      lastMessageSenderId: null,
      unreadCount: 0,
      pendingCount: 0,
      failedCount: 0,
      muted: false,
    },
    view,
  );
}

/** Points queued sends of a locally created conversation at its server id. */
export async function rewriteConversationRefs(
  db: ChatDatabase,
  convKey: string,
  conversationId: number,
): Promise<void> {
  await db.outbox
    .where('[convKey+kind]')
    .equals([convKey, 'send'])
    .modify((entry) => {
      if (entry.op.kind === 'send' && 'clientConvId' in entry.op.conversation) {
        entry.op = { ...entry.op, conversation: { conversationId } };
      }
    });
}

/** Moves everything of conversation `from` into `into` and deletes `from`: the same
 * server conversation was known here under two keys. */
export async function mergeConversationInto(
  db: ChatDatabase,
  from: string,
  into: string,
): Promise<void> {
  await db.messages
    .where('unreadConvKey')
    .equals(from)
    .modify((m) => {
      m.unreadConvKey = into;
    });
  await db.messages
    .where('[convKey+sortKey]')
    .between([from, Dexie.minKey], [from, Dexie.maxKey])
    .modify((m) => {
      m.convKey = into;
    });
  await db.outbox
    .where('convKey')
    .equals(from)
    .modify((e) => {
      e.convKey = into;
    });
  const [fromDraft, intoDraft] = await db.drafts.bulkGet([from, into]);
  if (fromDraft && !intoDraft) await db.drafts.put({ ...fromDraft, convKey: into });
  await db.drafts.delete(from);
  await db.conversations.delete(from);
}

/** The create of a locally started conversation was accepted: record its server id,
 * merging a copy pulled meanwhile under the server key. */
export async function adoptServerConversation(
  db: ChatDatabase,
  localKey: string,
  view: ConversationView,
): Promise<string> {
  const local = await db.conversations.get(localKey);
  const twin = await db.conversations.where('serverId').equals(view.conversationId).first();
  if (!local) {
    if (!twin)
      await db.conversations.add(newConversation(serverConversationKey(view.conversationId), view));
    return twin?.key ?? serverConversationKey(view.conversationId);
  }
  if (twin && twin.key !== localKey) {
    await mergeConversationInto(db, twin.key, localKey);
    local.deliveredQueuedUpTo = Math.max(
      local.deliveredQueuedUpTo ?? 0,
      twin.deliveredQueuedUpTo ?? 0,
    );
    local.readQueuedUpTo = Math.max(local.readQueuedUpTo ?? 0, twin.readQueuedUpTo ?? 0);
    local.muted ||= twin.muted;
  }
  await db.conversations.put(withServerFields(local, view));
  await rewriteConversationRefs(db, localKey, view.conversationId);
  return localKey;
}

/** Upserts pulled conversations. One not known here by server id may be the server copy
 * of a conversation this device started and is still creating: adopt it then. */
export async function storeConversations(
  db: ChatDatabase,
  views: readonly ConversationView[],
): Promise<string[]> {
  if (views.length === 0) return [];
  const known = await db.conversations
    .where('serverId')
    .anyOf(views.map((v) => v.conversationId))
    .toArray();
  const byServerId = new Map(known.map((c) => [c.serverId, c]));
  const unknown = views.filter((v) => !byServerId.has(v.conversationId));
  const waiting = unknown.length
    ? (
        await db.conversations
          .where('otherUserId')
          .anyOf(unknown.map((v) => v.otherUser.userId))
          .toArray()
      ).filter((c) => c.serverId === null)
    : [];
  const rows: LocalConversation[] = [];
  for (const view of views) {
    const existing = byServerId.get(view.conversationId);
    if (existing) {
      rows.push(withServerFields(existing, view));
      continue;
    }
    const index = waiting.findIndex((c) => isSameConversation(c, view));
    const starting = index >= 0 ? waiting.splice(index, 1)[0] : undefined;
    if (starting) {
      await rewriteConversationRefs(db, starting.key, view.conversationId);
      rows.push(withServerFields(starting, view));
    } else {
      rows.push(newConversation(serverConversationKey(view.conversationId), view));
    }
  }
  await db.conversations.bulkPut(rows);
  return rows.map((r) => r.key);
}

/** Local keys for server conversation ids; a conversation not seen yet (the server
 * always sends it with its messages, so this is defensive) gets a placeholder. */
async function conversationKeys(
  db: ChatDatabase,
  userId: number,
  views: readonly MessageView[],
): Promise<Map<number, string>> {
  const ids = [...new Set(views.map((v) => v.conversationId))];
  const known = await db.conversations.where('serverId').anyOf(ids).toArray();
  const keys = new Map(known.map((c) => [c.serverId ?? 0, c.key]));
  const placeholders: LocalConversation[] = [];
  for (const id of ids) {
    if (keys.has(id)) continue;
    const sample = views.find((v) => v.conversationId === id && v.senderId !== userId);
    const first = views.find((v) => v.conversationId === id);
    const key = serverConversationKey(id);
    keys.set(id, key);
    placeholders.push({
      key,
      serverId: id,
      otherUserId: sample?.senderId ?? 0,
      otherDisplayName: '',
      conversationType: 'general',
      contextId: null,
      contextTitle: null,
      createdAt: first?.createdAt ?? new Date(0).toISOString(),
      lastActivityAt: first?.createdAt ?? new Date(0).toISOString(),
      lastMessagePreview: null,
      lastMessageSenderId: null,
      unreadCount: 0,
      pendingCount: 0,
      failedCount: 0,
      muted: false,
    });
  }
  if (placeholders.length) await db.conversations.bulkPut(placeholders);
  return keys;
}

/** Rows as written by this module keep one field order, so text equality is exact;
 * any other difference only costs a write. */
function isSameRow(a: LocalMessage, b: LocalMessage): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Merges server versions of messages into the local rows (see message-merge.ts). */
export async function storeMessages(
  db: ChatDatabase,
  userId: number,
  views: readonly MessageView[],
): Promise<StoredMessages> {
  const outcome: StoredMessages = { incoming: [], touched: new Set(), deliverable: new Map() };
  if (views.length === 0) return outcome;
  // One answer may hold several versions of a message (a send and its edit): newest wins.
  const latest = new Map<number, MessageView>();
  for (const view of views) {
    const seen = latest.get(view.messageId);
    if (!seen || view.changeSeq >= seen.changeSeq) latest.set(view.messageId, view);
  }
  const list = [...latest.values()];
  const convKeys = await conversationKeys(db, userId, list);
  const byServerId = new Map(
    (
      await db.messages
        .where('serverId')
        .anyOf(list.map((v) => v.messageId))
        .toArray()
    ).map((m) => [m.serverId, m]),
  );
  const unmatchedIds = list
    .filter((v) => !byServerId.has(v.messageId) && v.clientMsgId !== '')
    .map((v) => v.clientMsgId);
  const byKey = new Map<string, LocalMessage>();
  for (const m of await db.messages.bulkGet(unmatchedIds)) if (m) byKey.set(m.clientMsgId, m);
  const ownIds = list.filter((v) => v.senderId === userId).map((v) => v.clientMsgId);
  const changing = new Set<string>();
  if (ownIds.length) {
    for (const entry of await db.outbox.where('clientMsgId').anyOf(ownIds).toArray()) {
      if (entry.clientMsgId && (entry.kind === 'edit' || entry.kind === 'delete')) {
        changing.add(entry.clientMsgId);
      }
    }
  }

  const rows: LocalMessage[] = [];
  const usedKeys = new Set<string>();
  for (const view of list) {
    let local = byServerId.get(view.messageId);
    if (!local) {
      const candidate = byKey.get(view.clientMsgId);
      // The same client id from another sender is a different message (ids are unique
      // per sender only): it is stored under its server id instead.
      if (
        candidate &&
        candidate.senderId === view.senderId &&
        (candidate.serverId === null || candidate.serverId === view.messageId)
      ) {
        local = candidate;
      }
    }
    const freeKey =
      view.clientMsgId !== '' && !byKey.has(view.clientMsgId) && !usedKeys.has(view.clientMsgId);
    const key = local?.clientMsgId ?? (freeKey ? view.clientMsgId : `s${view.messageId}`);
    usedKeys.add(key);
    const convKey = convKeys.get(view.conversationId) ?? serverConversationKey(view.conversationId);
    const merged = mergeMessage({
      local,
      view,
      key,
      convKey,
      userId,
      hasLocalChange: changing.has(view.clientMsgId),
    });
    // A page repeating what is stored (a version this device already has) writes nothing.
    if (!local || !isSameRow(local, merged)) rows.push(merged);
    outcome.touched.add(convKey);
    if (local && local.convKey !== convKey) outcome.touched.add(local.convKey);
    if (merged.senderId === userId) continue;
    if (!local && merged.status !== 'read' && !merged.isDeleted) outcome.incoming.push(merged);
    if (merged.status === 'sent' && merged.serverStatus === 'sent') {
      outcome.deliverable.set(
        convKey,
        Math.max(outcome.deliverable.get(convKey) ?? 0, view.messageId),
      );
    }
  }
  for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
    await db.messages.bulkPut(rows.slice(i, i + WRITE_CHUNK));
  }
  return outcome;
}
