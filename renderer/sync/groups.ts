// Groups on the device (DESIGN §4a), as pure functions the sync layer and the UI share:
// what a group shows (the server's facts with this user's waiting changes laid over them),
// who may do what in it, and how far its members got with a message.
import {
  GROUP_LIMITS,
  type GroupChange,
  groupTitleSchema,
  type Roster,
} from '../../shared/groups.ts';
import type { ConversationView } from '../../shared/model.ts';
import type { OpOfKind } from '../../shared/sync/protocol.ts';
import { NO_WATERMARKS } from '../../shared/sync/status.ts';
import type { GroupFacts, GroupMember, LocalConversation, LocalGroup, LocalMessage } from './db.ts';
import { cleanTypedText } from './typed-text.ts';

type GroupOf = Pick<LocalConversation, 'group'>;

/** Why a write into a group this user left is refused. */
export const LEFT_GROUP_ERROR = 'you are no longer a member of this group';

/** Whether the conversation is a group this user left or was removed from (or is leaving):
 * it stays readable, and nothing can be written in it. */
export function isReadOnly(conversation: GroupOf): boolean {
  return conversation.group !== undefined && conversation.group.leftUpTo !== null;
}

export function memberOf(conversation: GroupOf, userId: number): GroupMember | undefined {
  return conversation.group?.members.find((m) => m.userId === userId);
}

/** Admins rename a group and add or remove members; anyone may leave. */
export function isGroupAdmin(conversation: GroupOf, userId: number): boolean {
  return !isReadOnly(conversation) && memberOf(conversation, userId)?.role === 'admin';
}

/** The server's facts of a group: the shown fields when no change of this user waits. */
export function confirmedFacts(group: LocalGroup): GroupFacts {
  return (
    group.confirmed ?? { title: group.title, members: group.members, leftUpTo: group.leftUpTo }
  );
}

export function membersFromRoster(roster: Roster): GroupMember[] {
  return roster.members.map(({ userId, displayName, role, joinedAt, historyFrom }) => ({
    userId,
    displayName,
    role,
    joinedAt,
    ...(historyFrom > 0 ? { historyFrom } : {}),
  }));
}

/** A group's title as the server will store it, or an error the UI can show. */
export function prepareGroupTitle(title: string): string {
  const parsed = groupTitleSchema.safeParse(cleanTypedText(title, false));
  if (!parsed.success) {
    throw new Error(`the title ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
  }
  return parsed.data;
}

/** The group a conversation view describes, over what this device had: a view says
 * whether this user left, and once they have, the title they keep. The title and members
 * of a group one is in come with rosters, which have versions: a view has none, and one
 * read before a rename may arrive after it. Until the first roster, the view's title. */
export function groupFromView(
  existing: LocalGroup | undefined,
  view: ConversationView,
): LocalGroup {
  const title = view.title ?? existing?.title ?? '';
  if (!existing) {
    return { title, leftUpTo: view.leftUpTo, members: [], rosterVersion: 0, changeFailure: null };
  }
  const isTitleTheViews = existing.rosterVersion === 0 || view.leftUpTo !== null;
  const facts = { leftUpTo: view.leftUpTo, ...(isTitleTheViews ? { title } : {}) };
  // With changes waiting, the shown fields are derived again from the new facts.
  if (existing.confirmed) return { ...existing, confirmed: { ...existing.confirmed, ...facts } };
  return { ...existing, ...facts };
}

/** What a change in hand needs to know that the change does not say. */
export interface ChangeContext {
  userId: number;
  /** When a member added here shows as joined, until the server says. */
  at: string;
  /** Users this device knows, for members added here: their names, and when they were
   * shown as joined before. */
  known: ReadonlyMap<number, { displayName: string; joinedAt?: string }>;
  /** The last message this user sees once they leave: the newest one here. */
  lastMessageId: number;
}

/** `facts` with one change applied, as the server would apply it if it accepts it. */
export function withGroupChange(
  facts: GroupFacts,
  change: GroupChange,
  context: ChangeContext,
): GroupFacts {
  switch (change.type) {
    case 'rename':
      return { ...facts, title: change.title };
    case 'add': {
      const present = new Set(facts.members.map((m) => m.userId));
      const added = change.userIds
        .filter((id) => !present.has(id))
        .map(
          (userId): GroupMember => ({
            userId,
            displayName: context.known.get(userId)?.displayName ?? '',
            role: 'member',
            joinedAt: context.known.get(userId)?.joinedAt ?? context.at,
          }),
        );
      return { ...facts, members: [...facts.members, ...added] };
    }
    case 'remove':
      return { ...facts, members: facts.members.filter((m) => m.userId !== change.userId) };
    case 'leave':
      return {
        ...facts,
        members: facts.members.filter((m) => m.userId !== context.userId),
        leftUpTo: facts.leftUpTo ?? context.lastMessageId,
      };
  }
}

/** What a group shows: the server's facts with this user's waiting changes, oldest first. */
export function shownGroupFacts(
  confirmed: GroupFacts,
  waiting: readonly GroupChange[],
  context: ChangeContext,
): GroupFacts {
  return waiting.reduce((facts, change) => withGroupChange(facts, change, context), confirmed);
}

/** The operation that creates a group started here, with its members as it shows them. */
export function createGroupOpFor(
  conversation: Pick<
    LocalConversation,
    'key' | 'group' | 'conversationType' | 'contextId' | 'contextTitle'
  >,
  userId: number,
  opId: string,
): OpOfKind<'createGroup'> {
  const group = conversation.group;
  if (!group) throw new Error('not a group');
  return {
    opId,
    kind: 'createGroup',
    clientConvId: conversation.key,
    title: group.title,
    memberIds: group.members.filter((m) => m.userId !== userId).map((m) => m.userId),
    conversationType: conversation.conversationType,
    contextId: conversation.contextId,
    contextTitle: conversation.contextTitle,
  };
}

/** A change this user may not make, as the server would refuse it, or null. `add` asks
 * for users not yet members only (see `newMembers`). */
export function groupChangeRefusal(
  conversation: GroupOf,
  change: GroupChange,
  userId: number,
): string | null {
  if (!conversation.group) return 'this conversation is not a group';
  if (isReadOnly(conversation)) return LEFT_GROUP_ERROR;
  if (change.type === 'leave') return null;
  if (!isGroupAdmin(conversation, userId)) return 'only an admin of the group can do that';
  if (change.type === 'remove' && change.userId === userId) return 'to leave the group, leave it';
  if (change.type === 'add') {
    const count = conversation.group.members.length + newMembers(conversation, change).length;
    if (count > GROUP_LIMITS.maxMembers) {
      return `a group has at most ${GROUP_LIMITS.maxMembers} members`;
    }
  }
  return null;
}

/** The users of an `add` who are not members yet. */
export function newMembers(
  conversation: GroupOf,
  change: { userIds: readonly number[] },
): number[] {
  return change.userIds.filter((id) => !memberOf(conversation, id));
}

export interface ReceiptCounts {
  /** Others who have the message on a device. */
  delivered: number;
  /** Others who have read it. */
  read: number;
  /** Everyone but the sender who may see it: the group's current members who were there
   * when it was sent, or the other person. */
  of: number;
}

/** How many of the others have a message of `message.senderId` (for "Read by 2 of 4"),
 * from their watermarks: in a group, every current member but the sender. */
export function groupReceiptCounts(
  message: Pick<LocalMessage, 'serverId' | 'senderId'>,
  conversation: Pick<LocalConversation, 'members' | 'group' | 'otherUserId'>,
): ReceiptCounts {
  const id = message.serverId;
  // Those who joined after the message never had it: it is not theirs to receive.
  const others = conversation.group
    ? confirmedFacts(conversation.group)
        .members.filter((m) => m.userId !== message.senderId && (m.historyFrom ?? 0) <= (id ?? 0))
        .map((m) => m.userId)
    : [conversation.otherUserId];
  const counts: ReceiptCounts = { delivered: 0, read: 0, of: others.length };
  if (id === null) return counts;
  for (const userId of others) {
    const marks = conversation.members.find((m) => m.userId === userId) ?? NO_WATERMARKS;
    if (marks.deliveredUpTo >= id || marks.readUpTo >= id) counts.delivered++;
    if (marks.readUpTo >= id) counts.read++;
  }
  return counts;
}
