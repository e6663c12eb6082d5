// Applies what the server said (a pull page, a live event, a push answer) to the local
// database. Runs inside the caller's transaction, which covers every table it names;
// finds rows through indexes and writes in chunks.
import Dexie from 'dexie';
import type { ConversationView } from '../../shared/model.ts';
import type {
  ChangeSet,
  MemberState,
  OpOfKind,
  SyncMessage,
  VersionStep,
} from '../../shared/sync/protocol.ts';
import { mergeWatermarks } from '../../shared/sync/status.ts';
import { withServerRef } from './conversation-refs.ts';
import { refreshConversationStats } from './conversation-stats.ts';
import {
  type ChatDatabase,
  type LocalConversation,
  type LocalMessage,
  UNTOUCHED_CONVERSATION,
} from './db.ts';
import { isAutoDownloadCandidate } from './downloads.ts';
import { applyRosters, isAfterLeaving, leaveGroupHere, rederiveGroups } from './group-store.ts';
import { confirmedFacts, groupFromView } from './groups.ts';
import { marksOf, receiptFields, withMemberMarks } from './marks.ts';
import { mergeMessage } from './message-merge.ts';
import { newReactions } from './reactions.ts';
import { applyScheduledViews } from './scheduled-store.ts';

const WRITE_CHUNK = 1000;

/** Every table a change set can touch: callers open their transaction over these. */
export function changeTables(db: ChatDatabase) {
  return [
    db.conversations,
    db.messages,
    db.outbox,
    db.syncState,
    db.drafts,
    db.attachments,
    db.scheduled,
  ];
}

/** How the version steps of a change set are read (DESIGN §3.3, docs/sync.md):
 * - `live`: steps of a live event or push answer, which must join what the device has;
 * - `full`: a pull page, which brings every message change up to its versions;
 * - `check`: a head check, which brings versions but no messages, so a version ahead of
 *   the device's means messages it is missing. */
export type ApplyMode = 'live' | 'full' | 'check';

export interface Reaction {
  message: LocalMessage;
  emoji: string;
  userId: number;
}

export interface Applied {
  /** Someone else's messages stored here for the first time, unread and not deleted. */
  incoming: LocalMessage[];
  /** Reactions someone else added to this user's messages, first heard of here. */
  reacted: Reaction[];
  /** Conversations (server ids) whose history this device is missing a part of: steps
   * that do not join what it has, messages the head check says it lacks, or rows of a
   * conversation it has never heard of. */
  gaps: Set<number>;
  /** Steps that arrived ahead of the one they follow, to try again when it comes. */
  ahead: VersionStep[];
  /** Whether this user's marks rose past what the server confirmed (a receipt is due). */
  isReceiptDue: boolean;
}

function serverConversationKey(serverId: number): string {
  return `s${serverId}`;
}

export function newConversationRow(key: string, view: ConversationView): LocalConversation {
  return withServerFields(
    { key, lastActivityAt: view.lastMessageAt ?? view.createdAt, ...UNTOUCHED_CONVERSATION },
    view,
  );
}

/** The fields a conversation's server view decides. */
type ServerFields =
  | 'serverId'
  | 'otherUserId'
  | 'otherDisplayName'
  | 'conversationType'
  | 'contextId'
  | 'contextTitle'
  | 'createdAt'
  | 'createFailure';

function withServerFields(
  base: Omit<LocalConversation, ServerFields>,
  view: ConversationView,
): LocalConversation {
  return {
    ...base,
    ...(view.isGroup ? { group: groupFromView(base.group, view) } : {}),
    serverId: view.conversationId,
    otherUserId: view.otherUser?.userId ?? 0,
    otherDisplayName: view.otherUser?.displayName ?? '',
    conversationType: view.conversationType,
    contextId: view.contextId,
    contextTitle: view.contextTitle,
    createdAt: view.createdAt,
    createFailure: null,
  };
}

/** Whether a two-person conversation started here is the one the server describes (a
 * group started here is known by its create's answer only). */
function isSameConversation(local: LocalConversation, view: ConversationView): boolean {
  return (
    !local.group &&
    view.otherUser !== null &&
    local.otherUserId === view.otherUser.userId &&
    local.conversationType === view.conversationType &&
    (local.contextId ?? null) === (view.contextId ?? null)
  );
}

/** Points queued sends and group changes of a locally created conversation at its
 * server id. */
async function rewriteConversationRefs(
  db: ChatDatabase,
  convKey: string,
  conversationId: number,
): Promise<void> {
  await db.outbox
    .where('[convKey+kind]')
    .anyOf([
      [convKey, 'send'],
      [convKey, 'changeGroup'],
      [convKey, 'schedule'],
    ])
    .modify((entry) => {
      entry.op = withServerRef(entry.op, conversationId);
    });
}

/** Moves everything of conversation `from` into `into` and deletes `from`: the same
 * server conversation was known here under two keys. */
async function mergeConversationInto(db: ChatDatabase, from: string, into: string): Promise<void> {
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
  await db.scheduled
    .where('convKey')
    .equals(from)
    .modify((s) => {
      s.convKey = into;
    });
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
    if (!twin) {
      await db.conversations.add(
        newConversationRow(serverConversationKey(view.conversationId), view),
      );
    }
    return twin?.key ?? serverConversationKey(view.conversationId);
  }
  let adopted = local;
  if (twin && twin.key !== localKey) {
    await mergeConversationInto(db, twin.key, localKey);
    let members = local.members;
    for (const m of twin.members) members = withMemberMarks(members, m);
    adopted = {
      ...local,
      members,
      version: Math.max(local.version, twin.version),
      muted: local.muted || twin.muted,
    };
  }
  await db.conversations.put(withServerFields(adopted, view));
  await rewriteConversationRefs(db, localKey, view.conversationId);
  return localKey;
}

/** The group this device created and is still creating, which the server's view of it
 * names (for its creator only). */
async function groupStartedHere(
  db: ChatDatabase,
  view: ConversationView,
): Promise<LocalConversation | undefined> {
  if (!view.clientConvId) return undefined;
  const local = await db.conversations.get(view.clientConvId);
  return local?.group && local.serverId === null ? local : undefined;
}

/** Upserts conversations. One not known here by server id may be the server copy of a
 * conversation this device started and is still creating: adopt it then. */
async function storeConversations(
  db: ChatDatabase,
  views: readonly ConversationView[],
  byServerId: Map<number, LocalConversation>,
): Promise<void> {
  if (views.length === 0) return;
  const partners = views.flatMap((v) =>
    !byServerId.has(v.conversationId) && v.otherUser ? [v.otherUser.userId] : [],
  );
  const waiting = partners.length
    ? (await db.conversations.where('otherUserId').anyOf(partners).toArray()).filter(
        (c) => c.serverId === null,
      )
    : [];
  const rows: LocalConversation[] = [];
  for (const view of views) {
    const existing = byServerId.get(view.conversationId);
    if (existing) {
      rows.push(withServerFields(existing, view));
      continue;
    }
    const index = waiting.findIndex((c) => isSameConversation(c, view));
    const starting =
      (index >= 0 ? waiting.splice(index, 1)[0] : undefined) ?? (await groupStartedHere(db, view));
    if (starting) await rewriteConversationRefs(db, starting.key, view.conversationId);
    rows.push(
      starting
        ? withServerFields(starting, view)
        : newConversationRow(serverConversationKey(view.conversationId), view),
    );
  }
  await db.conversations.bulkPut(rows);
  for (const row of rows) if (row.serverId !== null) byServerId.set(row.serverId, row);
}

/** Rows as written by this module keep one field order, so text equality is exact;
 * any other difference only costs a write. */
function isSameRow(a: LocalMessage, b: LocalMessage): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function storeMessages(
  db: ChatDatabase,
  userId: number,
  copies: readonly SyncMessage[],
  byServerId: ReadonlyMap<number, LocalConversation>,
  touched: Set<string>,
  incoming: LocalMessage[],
  gaps: Set<number>,
  reacted: Reaction[],
): Promise<Map<string, number>> {
  /** Per conversation key, the highest id of someone else's message stored. */
  const delivered = new Map<string, number>();
  if (copies.length === 0) return delivered;
  // One answer may hold several copies of a message (a send and its edit): newest wins.
  const latest = new Map<number, SyncMessage>();
  for (const copy of copies) {
    const seen = latest.get(copy.messageId);
    if (!seen || copy.version >= seen.version) latest.set(copy.messageId, copy);
  }
  const list = [...latest.values()].filter((c) => {
    if (byServerId.has(c.conversationId)) return true;
    // Rows of a conversation this device has not heard of: the pull brings it whole.
    gaps.add(c.conversationId);
    return false;
  });
  const stored = new Map(
    (
      await db.messages
        .where('serverId')
        .anyOf(list.map((c) => c.messageId))
        .toArray()
    ).map((m) => [m.serverId, m]),
  );
  const unmatched = list.filter((c) => !stored.has(c.messageId) && c.clientMsgId !== '');
  const byKey = new Map<string, LocalMessage>();
  for (const m of await db.messages.bulkGet(unmatched.map((c) => c.clientMsgId))) {
    if (m) byKey.set(m.clientMsgId, m);
  }
  const own = list.filter((c) => c.senderId === userId).map((c) => c.clientMsgId);
  const changing = new Set<string>();
  if (own.length) {
    for (const entry of await db.outbox.where('clientMsgId').anyOf(own).toArray()) {
      if (entry.clientMsgId && (entry.kind === 'edit' || entry.kind === 'delete')) {
        changing.add(entry.clientMsgId);
      }
    }
  }
  const waitingReactions = await reactionsWaiting(db, list, byServerId);
  const rows: LocalMessage[] = [];
  const usedKeys = new Set<string>();
  for (const copy of list) {
    let local = stored.get(copy.messageId);
    if (!local) {
      const candidate = byKey.get(copy.clientMsgId);
      // The same client id from another sender is a different message (ids are unique
      // per sender only): it is stored under its server id instead.
      if (
        candidate &&
        candidate.senderId === copy.senderId &&
        (candidate.serverId === null || candidate.serverId === copy.messageId)
      ) {
        local = candidate;
      }
    }
    const isKeyFree =
      copy.clientMsgId !== '' && !byKey.has(copy.clientMsgId) && !usedKeys.has(copy.clientMsgId);
    const key = local?.clientMsgId ?? (isKeyFree ? copy.clientMsgId : `s${copy.messageId}`);
    usedKeys.add(key);
    const convKey =
      byServerId.get(copy.conversationId)?.key ?? serverConversationKey(copy.conversationId);
    const merged = mergeMessage({
      local,
      copy,
      key,
      convKey,
      userId,
      hasLocalChange: changing.has(copy.clientMsgId),
      waitingReactions: waitingReactions.get(key) ?? [],
    });
    if (local && merged.senderId === userId) {
      for (const added of newReactions(
        local.confirmedReactions ?? [],
        merged.confirmedReactions ?? [],
        userId,
      )) {
        reacted.push({ message: merged, ...added });
      }
    }
    // A copy repeating what is stored writes nothing.
    if (!local || !isSameRow(local, merged)) rows.push(merged);
    touched.add(convKey);
    if (local && local.convKey !== convKey) touched.add(local.convKey);
    if (merged.senderId === userId) continue;
    delivered.set(convKey, Math.max(delivered.get(convKey) ?? 0, copy.messageId));
    if (!local && !merged.isDeleted) incoming.push(merged);
  }
  // A message deleted for everyone takes its attachment's bytes off this device too.
  const gone = rows
    .filter((m) => m.isDeleted && m.messageType !== 'text')
    .map((m) => m.clientMsgId);
  if (gone.length > 0) await db.attachments.bulkDelete(gone);
  await markForDownload(db, incoming);
  for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
    await db.messages.bulkPut(rows.slice(i, i + WRITE_CHUNK));
  }
  return delivered;
}

/** This user's reactions waiting in the outbox, by the key of the message, oldest first:
 * one indexed read per conversation of the batch. */
async function reactionsWaiting(
  db: ChatDatabase,
  copies: readonly SyncMessage[],
  byServerId: ReadonlyMap<number, LocalConversation>,
): Promise<Map<string, OpOfKind<'react'>[]>> {
  const waiting = new Map<string, OpOfKind<'react'>[]>();
  const convKeys = [...new Set(copies.flatMap((c) => byServerId.get(c.conversationId)?.key ?? []))];
  if (convKeys.length === 0) return waiting;
  const entries = await db.outbox
    .where('[convKey+kind]')
    .anyOf(convKeys.map((key) => [key, 'react']))
    .toArray();
  entries.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  for (const entry of entries) {
    if (entry.op.kind !== 'react' || !entry.clientMsgId || entry.rejected) continue;
    const list = waiting.get(entry.clientMsgId) ?? [];
    list.push(entry.op);
    waiting.set(entry.clientMsgId, list);
  }
  return waiting;
}

/** Received files join the download queue with their message; the queue decides by
 * size when it gets to them, as the user's limit then is. */
async function markForDownload(db: ChatDatabase, incoming: readonly LocalMessage[]) {
  const now = Date.now();
  const wanted = incoming.filter((m) => isAutoDownloadCandidate(m, now));
  if (wanted.length === 0) return;
  const here = new Set(
    await db.attachments
      .where('clientMsgId')
      .anyOf(wanted.map((m) => m.clientMsgId))
      .primaryKeys(),
  );
  await db.attachments.bulkPut(
    wanted
      .filter((m) => !here.has(m.clientMsgId))
      .map((m) => ({
        clientMsgId: m.clientMsgId,
        convKey: m.convKey,
        blob: null,
        downloadWaiting: 1 as const,
      })),
  );
}

/** Deletes a conversation the user may no longer see, with everything of it here. */
async function dropConversation(db: ChatDatabase, key: string): Promise<void> {
  const range = db.messages
    .where('[convKey+sortKey]')
    .between([key, Dexie.minKey], [key, Dexie.maxKey]);
  await range.delete();
  await db.outbox.where('convKey').equals(key).delete();
  await db.scheduled.where('convKey').equals(key).delete();
  await db.drafts.delete(key);
  await db.conversations.delete(key);
}

function nextVersion(current: number, step: VersionStep, mode: ApplyMode): number | 'gap' {
  if (step.from === null) {
    if (mode === 'check' && step.to > current) return 'gap';
    return Math.max(current, step.to);
  }
  if (current >= step.to) return current;
  return current >= step.from ? step.to : 'gap';
}

export async function applyChanges(
  db: ChatDatabase,
  userId: number,
  changes: ChangeSet,
  mode: ApplyMode,
): Promise<Applied> {
  const applied: Applied = {
    incoming: [],
    reacted: [],
    gaps: new Set(),
    ahead: [],
    isReceiptDue: false,
  };
  const ids = new Set<number>([
    ...changes.conversations.map((c) => c.conversationId),
    ...changes.members.map((m) => m.conversationId),
    ...changes.messages.map((m) => m.conversationId),
    ...changes.versions.map((v) => v.conversationId),
    ...changes.rosters.map((r) => r.conversationId),
    ...changes.removed,
  ]);
  // This user's own scheduled messages: they name their conversation, but need nothing of
  // it to be stored.
  await applyScheduledViews(db, changes.scheduled ?? []);
  if (ids.size === 0) return applied;
  const known = await db.conversations
    .where('serverId')
    .anyOf([...ids])
    .toArray();
  const byServerId = new Map(known.map((c) => [c.serverId ?? 0, c]));

  for (const serverId of changes.removed) {
    const conversation = byServerId.get(serverId);
    if (conversation) await dropConversation(db, conversation.key);
    byServerId.delete(serverId);
  }
  const removed = new Set(changes.removed);
  const leftBefore = new Map(
    [...byServerId].map(([id, c]) => [id, c.group ? confirmedFacts(c.group).leftUpTo : null]),
  );
  await storeConversations(
    db,
    changes.conversations.filter((c) => !removed.has(c.conversationId)),
    byServerId,
  );
  const touched = new Set<string>();
  const regrouped = await applyGroupChanges(db, userId, changes, byServerId, leftBefore, {
    touched,
    gaps: applied.gaps,
    removed,
  });

  const delivered = await storeMessages(
    db,
    userId,
    changes.messages.filter(
      (m) => !removed.has(m.conversationId) && !isAfterLeaving(m, byServerId),
    ),
    byServerId,
    touched,
    applied.incoming,
    applied.gaps,
    applied.reacted,
  );

  const byKey = new Map([...byServerId.values()].map((c) => [c.key, c]));
  // Per conversation: marks and version, written once.
  const updates = new Map<string, Partial<LocalConversation>>();
  const current = (c: LocalConversation) => ({ ...c, ...updates.get(c.key) });
  const note = (c: LocalConversation, fields: Partial<LocalConversation>) =>
    updates.set(c.key, { ...updates.get(c.key), ...fields });

  const marks = new Map<number, MemberState[]>();
  for (const m of changes.members)
    marks.set(m.conversationId, [...(marks.get(m.conversationId) ?? []), m]);
  const keysWithMarks = new Set<string>();
  for (const [serverId, states] of marks) {
    const conversation = byServerId.get(serverId);
    if (!conversation) {
      if (!removed.has(serverId)) applied.gaps.add(serverId);
      continue;
    }
    let { members, confirmedMarks } = current(conversation);
    for (const state of states) {
      members = withMemberMarks(members, state);
      // What the server says of this user's own marks, it has confirmed.
      if (state.userId === userId) {
        confirmedMarks = mergeWatermarks(confirmedMarks, state);
      }
    }
    note(conversation, { members, confirmedMarks });
    keysWithMarks.add(conversation.key);
  }
  // Storing someone else's message here is delivering it (DESIGN §3.5).
  for (const [key, messageId] of delivered) {
    const conversation = byKey.get(key);
    if (!conversation) continue;
    const { members } = current(conversation);
    note(conversation, {
      members: withMemberMarks(members, { userId, deliveredUpTo: messageId, readUpTo: 0 }),
    });
    keysWithMarks.add(key);
  }
  for (const key of keysWithMarks) {
    const conversation = byKey.get(key);
    if (!conversation) continue;
    const state = current(conversation);
    const fields = receiptFields(state.members, state.confirmedMarks, userId);
    if (fields.receiptDue) applied.isReceiptDue = true;
    note(conversation, fields);
    // A read mark that moved changes what is unread.
    if (marksOf(state, userId).readUpTo !== marksOf(conversation, userId).readUpTo)
      touched.add(key);
  }

  for (const step of changes.versions) {
    const conversation = byServerId.get(step.conversationId);
    if (!conversation) {
      if (!removed.has(step.conversationId)) applied.gaps.add(step.conversationId);
      continue;
    }
    const next = nextVersion(current(conversation).version, step, mode);
    if (next === 'gap') {
      applied.gaps.add(step.conversationId);
      if (mode === 'live') applied.ahead.push(step);
    } else if (next !== current(conversation).version) note(conversation, { version: next });
  }

  for (const [key, fields] of updates) await db.conversations.update(key, fields);
  // Only conversations whose messages or read mark changed: a new row without messages
  // already has its list fields.
  await refreshConversationStats(db, userId, touched);
  await rederiveGroups(db, userId, regrouped);
  return applied;
}

/** Rosters, and what group views say of this user's leaving: a group they just left
 * keeps only what they may see. Returns the keys of the groups whose facts moved. */
async function applyGroupChanges(
  db: ChatDatabase,
  userId: number,
  changes: ChangeSet,
  byServerId: Map<number, LocalConversation>,
  leftBefore: ReadonlyMap<number, number | null>,
  into: { touched: Set<string>; gaps: Set<number>; removed: ReadonlySet<number> },
): Promise<Set<string>> {
  const rosters = changes.rosters.filter((r) => !into.removed.has(r.conversationId));
  const regrouped = await applyRosters(db, userId, rosters, byServerId, into.gaps);
  for (const view of changes.conversations) {
    const group = byServerId.get(view.conversationId)?.group;
    if (!view.isGroup || !group || into.removed.has(view.conversationId)) continue;
    const key = byServerId.get(view.conversationId)?.key;
    if (!key) continue;
    regrouped.add(key);
    const { leftUpTo } = confirmedFacts(group);
    const before = leftBefore.get(view.conversationId) ?? null;
    if (leftUpTo !== null && leftUpTo !== before) {
      await leaveGroupHere(db, userId, key, leftUpTo, into.touched);
    }
  }
  return regrouped;
}
