// Groups in the local database (DESIGN §4a): the rosters the server sends, this user's
// changes waiting in the outbox laid over what the server confirmed, and what leaving a
// group does to what is stored of it. Runs inside the caller's transaction.
import { type GroupChange, groupChangeSchema, type Roster } from '../../shared/groups.ts';
import type { SyncMessage } from '../../shared/sync/protocol.ts';
import {
  type ChatDatabase,
  type LocalConversation,
  type LocalGroup,
  type OutboxEntry,
  PENDING_SORT_PREFIX,
  syncedSortKey,
} from './db.ts';
import { type Failure, failMessageOps } from './failures.ts';
import {
  type ChangeContext,
  confirmedFacts,
  LEFT_GROUP_ERROR,
  membersFromRoster,
  shownGroupFacts,
  withGroupChange,
} from './groups.ts';

export const LEFT_GROUP_FAILURE: Failure = { code: 'FORBIDDEN', reason: LEFT_GROUP_ERROR };

/** Stores each roster that is at least as new as what its group has (an equal version is
 * the same roster again, or the first the server confirmed of a group started here);
 * returns the keys of the groups it changed. A roster of a conversation not known here
 * is a gap: the pull brings the group whole. */
export async function applyRosters(
  db: ChatDatabase,
  rosters: readonly Roster[],
  byServerId: Map<number, LocalConversation>,
  gaps: Set<number>,
): Promise<Set<string>> {
  const changed = new Set<string>();
  for (const roster of rosters) {
    const conversation = byServerId.get(roster.conversationId);
    if (!conversation) {
      gaps.add(roster.conversationId);
      continue;
    }
    const group = conversation.group;
    if (!group || roster.version < group.rosterVersion) continue;
    const members = membersFromRoster(roster);
    const next: LocalGroup = group.confirmed
      ? { ...group, rosterVersion: roster.version, confirmed: { ...group.confirmed, members } }
      : { ...group, rosterVersion: roster.version, members };
    await db.conversations.update(conversation.key, { group: next });
    byServerId.set(roster.conversationId, { ...conversation, group: next });
    changed.add(conversation.key);
  }
  return changed;
}

/** This user's changes to a group still waiting in the outbox, oldest first. */
async function waitingChanges(db: ChatDatabase, convKey: string): Promise<GroupChange[]> {
  const entries = await db.outbox
    .where('[convKey+kind]')
    .equals([convKey, 'changeGroup'])
    .toArray();
  entries.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return entries.flatMap((e) => {
    if (e.rejected !== null || e.op.kind !== 'changeGroup') return [];
    // Stored entries are re-read: one that does not parse is failed when taken.
    const change = groupChangeSchema.safeParse(e.op.change);
    return change.success ? [change.data] : [];
  });
}

async function newestMessageId(db: ChatDatabase, convKey: string): Promise<number> {
  const newest = await db.messages
    .where('[convKey+sortKey]')
    .between([convKey, syncedSortKey(0)], [convKey, PENDING_SORT_PREFIX], true, false)
    .last();
  return newest?.serverId ?? 0;
}

/** What a change of this group needs to know: the members it shows now (names, joining
 * times) and, for a leave, the newest message here. */
export async function changeContext(
  db: ChatDatabase,
  userId: number,
  conversation: LocalConversation,
  at: string,
  names: ReadonlyMap<number, string> = new Map(),
): Promise<ChangeContext> {
  const known = new Map<number, { displayName: string; joinedAt?: string }>();
  for (const [id, displayName] of names) known.set(id, { displayName });
  const group = conversation.group;
  for (const m of [...(group?.confirmed?.members ?? []), ...(group?.members ?? [])]) {
    known.set(m.userId, { displayName: m.displayName, joinedAt: m.joinedAt });
  }
  const lastMessageId = group?.leftUpTo ?? (await newestMessageId(db, conversation.key));
  return { userId, at, known, lastMessageId };
}

/** Lays this user's waiting changes over each group's confirmed facts again, after those
 * facts or the waiting changes moved. A group with nothing waiting shows its facts. */
export async function rederiveGroups(
  db: ChatDatabase,
  userId: number,
  keys: Iterable<string>,
): Promise<void> {
  for (const key of new Set(keys)) {
    const conversation = await db.conversations.get(key);
    const group = conversation?.group;
    if (!conversation || !group?.confirmed) continue;
    const base = group.confirmed;
    const waiting = await waitingChanges(db, key);
    const context = await changeContext(db, userId, conversation, conversation.lastActivityAt);
    const shown = shownGroupFacts(base, waiting, context);
    await db.conversations.update(key, {
      group: { ...group, ...shown, confirmed: waiting.length > 0 ? base : null },
    });
  }
}

/** The server accepted a change of this user's: it is now part of the confirmed facts
 * (a roster in the same answer then says who the members are). Call once its entry is
 * out of the outbox, then `rederiveGroups`. */
export async function confirmGroupChange(
  db: ChatDatabase,
  userId: number,
  convKey: string,
  change: GroupChange,
  message: SyncMessage | undefined,
  touched: Set<string>,
): Promise<void> {
  const conversation = await db.conversations.get(convKey);
  const group = conversation?.group;
  if (!conversation || !group) return;
  const base = confirmedFacts(group);
  const context = await changeContext(
    db,
    userId,
    conversation,
    message?.createdAt ?? conversation.lastActivityAt,
  );
  // One sees the message that says one left, and nothing after it.
  if (message) context.lastMessageId = message.messageId;
  const next = withGroupChange(base, change, context);
  await db.conversations.update(convKey, { group: { ...group, confirmed: next } });
  if (base.leftUpTo === null && next.leftUpTo !== null) {
    await leaveGroupHere(db, userId, convKey, next.leftUpTo, touched);
  }
}

/** The server refused a change of this user's to a group: it goes, the group says why,
 * and shows again what the server confirmed (with the changes still waiting). */
export async function refuseGroupChange(
  db: ChatDatabase,
  userId: number,
  entry: OutboxEntry,
  failure: Failure,
): Promise<void> {
  await db.outbox.delete(entry.seq ?? 0);
  if (entry.convKey) await noteChangeFailure(db, userId, entry.convKey, failure);
}

async function noteChangeFailure(
  db: ChatDatabase,
  userId: number,
  convKey: string,
  failure: Failure,
): Promise<void> {
  const conversation = await db.conversations.get(convKey);
  if (!conversation?.group) return;
  await db.conversations.update(convKey, {
    group: { ...conversation.group, changeFailure: failure },
  });
  await rederiveGroups(db, userId, [convKey]);
}

/** The group's create was refused: its waiting changes can never apply. */
export async function failGroupChanges(
  db: ChatDatabase,
  userId: number,
  convKey: string,
  failure: Failure,
  inBatch: ReadonlySet<number>,
): Promise<void> {
  const changes = await db.outbox
    .where('[convKey+kind]')
    .equals([convKey, 'changeGroup'])
    .filter((e) => e.rejected === null && !inBatch.has(e.seq ?? 0))
    .primaryKeys();
  if (changes.length === 0) return;
  await db.outbox.bulkDelete(changes);
  await noteChangeFailure(db, userId, convKey, failure);
}

/** This user is out of the group as of message `leftUpTo` (the server said so): what came
 * after it goes from this device, and whatever waits to be sent in it fails, with the
 * reason, for the user to see and discard. */
export async function leaveGroupHere(
  db: ChatDatabase,
  userId: number,
  convKey: string,
  leftUpTo: number,
  touched: Set<string>,
): Promise<void> {
  // Who else is in it is no longer this user's to know: the list keeps the others as
  // they were, without them.
  const group = (await db.conversations.get(convKey))?.group;
  if (group) {
    const others = (members: LocalGroup['members']) => members.filter((m) => m.userId !== userId);
    await db.conversations.update(convKey, {
      group: {
        ...group,
        members: others(group.members),
        ...(group.confirmed
          ? { confirmed: { ...group.confirmed, members: others(group.confirmed.members) } }
          : {}),
      },
    });
  }
  const after = await db.messages
    .where('[convKey+sortKey]')
    .between([convKey, syncedSortKey(leftUpTo + 1)], [convKey, PENDING_SORT_PREFIX], true, false)
    .primaryKeys();
  await db.messages.bulkDelete(after);
  await db.attachments.bulkDelete(after);
  touched.add(convKey);
  const waiting = await db.outbox
    .where('convKey')
    .equals(convKey)
    .filter((e) => e.rejected === null)
    .toArray();
  let hasChanges = false;
  for (const entry of waiting) {
    const seq = entry.seq ?? 0;
    if (entry.kind === 'changeGroup') {
      hasChanges = true;
      await db.outbox.delete(seq);
    } else if (entry.kind === 'react') {
      // A reaction has no failed state: the message shows what the server has.
      await db.outbox.delete(seq);
      const message = entry.clientMsgId ? await db.messages.get(entry.clientMsgId) : undefined;
      if (message) {
        await db.messages.update(message.clientMsgId, {
          reactions: message.confirmedReactions ?? [],
        });
      }
    } else if (entry.clientMsgId) {
      await failMessageOps(db, entry.clientMsgId, LEFT_GROUP_FAILURE, touched, new Set());
    } else {
      await db.outbox.update(seq, { rejected: LEFT_GROUP_FAILURE });
    }
  }
  if (hasChanges) await noteChangeFailure(db, userId, convKey, LEFT_GROUP_FAILURE);
}

/** The synced messages above `leftUpTo` of the groups in `byServerId` this user left:
 * copies of them are not stored. */
export function isAfterLeaving(
  copy: Pick<SyncMessage, 'conversationId' | 'messageId'>,
  byServerId: ReadonlyMap<number, LocalConversation>,
): boolean {
  const group = byServerId.get(copy.conversationId)?.group;
  if (!group) return false;
  const { leftUpTo } = confirmedFacts(group);
  return leftUpTo !== null && copy.messageId > leftUpTo;
}
