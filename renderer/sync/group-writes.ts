// Creating and changing groups, written locally first (DESIGN §3.1, §4a): the group shows
// the change at once, its operation waits in the outbox in the order the user acted, and
// what the server refuses is taken back (group-store.ts).
import {
  GROUP_LIMITS,
  type GroupChange,
  groupChangeSchema,
  groupInviteesSchema,
} from '../../shared/groups.ts';
import type { PublicUser } from '../../shared/model.ts';
import type { CreateGroupRequest } from './api.ts';
import {
  type ChatDatabase,
  type GroupMember,
  type LocalConversation,
  UNTOUCHED_CONVERSATION,
} from './db.ts';
import { changeContext } from './group-store.ts';
import {
  confirmedFacts,
  createGroupOpFor,
  groupChangeRefusal,
  memberOf,
  newMembers,
  prepareGroupTitle,
  withGroupChange,
} from './groups.ts';
import type { Outbox } from './outbox.ts';
import { prepareContextTitle } from './typed-text.ts';

export interface GroupWriteDeps {
  db: ChatDatabase;
  userId: number;
  now: () => number;
  newId: () => string;
  outbox: Outbox;
  /** Queues the create of a conversation started here again if the server refused it. */
  ensureCreateQueued: (conversation: LocalConversation) => Promise<void>;
}

/** The others of a new group, each once. */
function invitees(members: readonly PublicUser[], userId: number): PublicUser[] {
  const byId = new Map<number, PublicUser>();
  for (const member of members) if (member.userId !== userId) byId.set(member.userId, member);
  return [...byId.values()];
}

/** The change as the server will take it: a title as it will store it, only users who
 * are not members yet; null when nothing would change (someone removed is gone already). */
function effectiveChange(conversation: LocalConversation, change: GroupChange): GroupChange | null {
  if (change.type === 'rename') {
    const title = prepareGroupTitle(change.title);
    return title === conversation.group?.title ? null : { type: 'rename', title };
  }
  if (change.type === 'add') {
    const userIds = newMembers(conversation, change);
    return userIds.length > 0 ? { type: 'add', userIds } : null;
  }
  if (change.type === 'remove' && !memberOf(conversation, change.userId)) return null;
  return change;
}

/** Names this device knows of users, from its two-person conversations with them. */
async function knownNames(db: ChatDatabase, userIds: readonly number[]) {
  const names = new Map<number, string>();
  if (userIds.length === 0) return names;
  for (const c of await db.conversations.where('otherUserId').anyOf(userIds).toArray()) {
    if (c.otherDisplayName) names.set(c.otherUserId, c.otherDisplayName);
  }
  return names;
}

/** Whether the server refused to create this group started here, and no create of it is
 * queued again. */
async function isCreateRefused(db: ChatDatabase, conversation: LocalConversation) {
  if (conversation.serverId !== null) return false;
  const creates = await db.outbox
    .where('[convKey+kind]')
    .equals([conversation.key, 'createGroup'])
    .toArray();
  return creates.length > 0 && creates.every((e) => e.rejected !== null);
}

export function createGroupWrites({
  db,
  userId,
  now,
  newId,
  outbox,
  ensureCreateQueued,
}: GroupWriteDeps) {
  const iso = () => new Date(now()).toISOString();
  const inTransaction = <T>(work: () => Promise<T>) =>
    db.transaction('rw', [db.conversations, db.messages, db.outbox], work);

  return {
    /** A group of this user (its admin) and `request.members`, queued for the server at
     * once: what is written in it meanwhile goes after its create. */
    async createGroup(request: CreateGroupRequest): Promise<string> {
      const title = prepareGroupTitle(request.title);
      const contextTitle = prepareContextTitle(request.contextTitle);
      const others = invitees(request.members, userId);
      if (!groupInviteesSchema.safeParse(others.map((m) => m.userId)).success) {
        throw new Error(
          `a group has ${GROUP_LIMITS.minMembers} to ${GROUP_LIMITS.maxMembers} members, you included`,
        );
      }
      const at = iso();
      const member = (user: PublicUser, role: GroupMember['role']): GroupMember => ({
        userId: user.userId,
        displayName: user.displayName,
        role,
        joinedAt: at,
      });
      const conversation: LocalConversation = {
        key: newId(),
        serverId: null,
        otherUserId: 0,
        otherDisplayName: '',
        group: {
          title,
          rosterVersion: 0,
          // This user's own name comes with the server's roster.
          members: [
            member({ userId, displayName: '' }, 'admin'),
            ...others.map((m) => member(m, 'member')),
          ],
          leftUpTo: null,
          changeFailure: null,
        },
        conversationType: request.conversationType,
        contextId: request.contextId,
        contextTitle,
        createdAt: at,
        lastActivityAt: at,
        ...UNTOUCHED_CONVERSATION,
        createFailure: null,
      };
      await inTransaction(async () => {
        await db.conversations.add(conversation);
        // Unlike a two-person conversation, a group is created before its first message:
        // its members see it with the message that says who created it.
        await outbox.add({
          op: createGroupOpFor(conversation, userId, newId()),
          clientMsgId: null,
          convKey: conversation.key,
        });
      });
      return conversation.key;
    },

    /** Shows the change at once and queues it; refuses at once what the server would
     * refuse for certain. Returns whether an operation was queued. */
    async changeGroup(convKey: string, requested: GroupChange): Promise<boolean> {
      const parsed = groupChangeSchema.safeParse(
        requested.type === 'rename'
          ? { ...requested, title: prepareGroupTitle(requested.title) }
          : requested,
      );
      if (!parsed.success) {
        throw new Error(`this change ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
      }
      return inTransaction(async () => {
        const conversation = await db.conversations.get(convKey);
        if (!conversation) throw new Error(`no conversation ${convKey}`);
        const refusal = groupChangeRefusal(conversation, parsed.data, userId);
        if (refusal) throw new Error(refusal);
        const change = effectiveChange(conversation, parsed.data);
        const group = conversation.group;
        if (!change || !group) return false;
        const names = await knownNames(db, change.type === 'add' ? change.userIds : []);
        const context = await changeContext(db, userId, conversation, iso(), names);
        const shown = withGroupChange(
          { title: group.title, members: group.members, leftUpTo: group.leftUpTo },
          change,
          context,
        );
        if (change.type !== 'leave' && (await isCreateRefused(db, conversation))) {
          // The server has no group to change: this is the user fixing the create it
          // refused (taking out a user it does not know, say), which goes again, naming the
          // group as it is now.
          const fixed: LocalConversation = {
            ...conversation,
            group: { ...group, ...shown, confirmed: null, changeFailure: null },
          };
          const others = shown.members.filter((m) => m.userId !== userId).map((m) => m.userId);
          if (!groupInviteesSchema.safeParse(others).success) {
            throw new Error(
              `a group has ${GROUP_LIMITS.minMembers} to ${GROUP_LIMITS.maxMembers} members, you included`,
            );
          }
          await db.conversations.put(fixed);
          await ensureCreateQueued(fixed);
          return true;
        }
        await ensureCreateQueued(conversation);
        await outbox.add({
          op: {
            opId: newId(),
            kind: 'changeGroup',
            conversation:
              conversation.serverId !== null
                ? { conversationId: conversation.serverId }
                : { clientConvId: conversation.key },
            change,
          },
          clientMsgId: null,
          convKey,
        });
        await db.conversations.update(convKey, {
          group: { ...group, ...shown, confirmed: confirmedFacts(group), changeFailure: null },
        });
        return true;
      });
    },
  };
}
