// Groups in the local database (DESIGN §4a): the rosters the server sends (a group's
// title and members at a version), this user's changes waiting in the outbox laid over
// what the server confirmed, and what leaving a group does to what is stored of it. Runs
// inside the caller's transaction.
import { type GroupChange, groupChangeSchema, type Roster } from '../../shared/groups.ts';
import type { ConversationView } from '../../shared/model.ts';
import type { OpResult, SyncMessage } from '../../shared/sync/protocol.ts';
import {
  type ChatDatabase,
  type GroupMember,
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
} from './groups.ts';
import { groupStatus } from './marks.ts';

export const LEFT_GROUP_FAILURE: Failure = { code: 'FORBIDDEN', reason: LEFT_GROUP_ERROR };

/** Takes the title and members of each roster newer than what its group has: a roster is
 * the group's facts at its version, and of two the higher wins, whatever order they come
 * in. A group this user left keeps what it was when they left: the server sends its
 * former members no roster, and one read before they went that arrives after is ignored.
 * Returns the keys of the groups it changed. A roster of a conversation not known here is
 * a gap: the pull brings the group whole. */
export async function applyRosters(
  db: ChatDatabase,
  userId: number,
  rosters: readonly Roster[],
  byServerId: Map<number, LocalConversation>,
  gaps: Set<number>,
): Promise<Set<string>> {
  const changed = new Set<string>();
  // Of several for one group (an answer and a live event, say), only the newest counts.
  const newest = new Map<number, Roster>();
  for (const roster of rosters) {
    const seen = newest.get(roster.conversationId);
    if (!seen || roster.version > seen.version) newest.set(roster.conversationId, roster);
  }
  for (const roster of newest.values()) {
    const conversation = byServerId.get(roster.conversationId);
    if (!conversation) {
      gaps.add(roster.conversationId);
      continue;
    }
    const group = conversation.group;
    // A group started here is at 0 until the server confirms it: its first roster is 1.
    if (!group || roster.version <= group.rosterVersion) continue;
    const facts = confirmedFacts(group);
    if (facts.leftUpTo !== null) continue;
    const members = membersFromRoster(roster);
    if (countedMembers(members) !== countedMembers(facts.members)) {
      await holdShownStatuses(db, userId, conversation);
    }
    const confirmed = { ...facts, title: roster.title, members };
    const next: LocalGroup = group.confirmed
      ? { ...group, rosterVersion: roster.version, confirmed }
      : { ...group, ...confirmed, rosterVersion: roster.version };
    await db.conversations.update(conversation.key, { group: next });
    byServerId.set(roster.conversationId, { ...conversation, group: next });
    changed.add(conversation.key);
  }
  return changed;
}

/** Who a group's message statuses count, and from which message. */
function countedMembers(members: readonly GroupMember[]): string {
  return members
    .map((m) => `${m.userId}:${m.historyFrom ?? 0}`)
    .sort()
    .join(',');
}

/** Before the members a group counts change: each of this user's messages in it keeps
 * the status it shows now, so that none moves back (those who read it all left, or the
 * new roster names a member who was there and has not read it). */
async function holdShownStatuses(
  db: ChatDatabase,
  userId: number,
  conversation: LocalConversation,
): Promise<void> {
  // A message above every other member's marks is with none of them: nothing to hold.
  const highest = Math.max(
    0,
    ...conversation.members.filter((m) => m.userId !== userId).map((m) => m.deliveredUpTo),
  );
  if (highest === 0) return;
  const own = await db.messages
    .where('[convKey+sortKey]')
    .between(
      [conversation.key, syncedSortKey(0)],
      [conversation.key, syncedSortKey(highest)],
      true,
      true,
    )
    .filter((m) => m.senderId === userId && m.statusReached !== 'read')
    .toArray();
  for (const message of own) {
    const shown = groupStatus(message, conversation);
    if (shown === 'sent' || shown === message.statusReached) continue;
    await db.messages.update(message.clientMsgId, { statusReached: shown });
  }
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

/** What the device takes of an accepted change of this user's is the server's answer,
 * never the change replayed: the roster it carries, or for leaving, the view that says up
 * to which message the group stays theirs, and its title then (returned, to be applied).
 * Not that view when the device has heard of the group going on since, which only a
 * member hears: they were added back before the answer came. */
export async function confirmedLeaving(
  db: ChatDatabase,
  convKey: string,
  result: Pick<Extract<OpResult, { status: 'accepted' }>, 'conversation' | 'message'>,
): Promise<ConversationView[]> {
  const { conversation: view, message } = result;
  if (!view?.isGroup || view.leftUpTo === null) return [];
  const conversation = await db.conversations.get(convKey);
  if (!conversation?.group) return [];
  if (message && conversation.version >= message.version) return [];
  return [view];
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
