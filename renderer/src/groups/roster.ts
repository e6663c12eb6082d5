// Who is who in a conversation, as the UI names them: a group's title, members and roles,
// or the other person of a two-person conversation.
import type { GroupMember, LocalConversation, LocalGroup } from '../../sync/db.ts';
import { memberOf } from '../../sync/groups.ts';

export const YOU = 'You';
/** Someone who wrote in a group and is no longer in its roster. */
export const FORMER_MEMBER = 'Former member';

type Named = Pick<LocalConversation, 'group' | 'otherDisplayName'>;

/** What the conversation is called: a group's title, else the other person's name. */
export function conversationName(conversation: Named): string {
  return conversation.group ? conversation.group.title : conversation.otherDisplayName;
}

/** The name of someone who wrote in the conversation, "You" for this user. */
export function senderNameIn(conversation: Named, senderId: number, myUserId: number): string {
  if (senderId === myUserId) return YOU;
  if (!conversation.group) return conversation.otherDisplayName;
  return memberOf(conversation, senderId)?.displayName ?? FORMER_MEMBER;
}

export function otherMembers(group: LocalGroup, myUserId: number): GroupMember[] {
  return group.members.filter((m) => m.userId !== myUserId);
}

/** The roster as the group's info shows it: this user first, then admins, then by name. */
export function rosterOrder(group: LocalGroup, myUserId: number): GroupMember[] {
  const rank = (m: GroupMember) => (m.userId === myUserId ? 0 : m.role === 'admin' ? 1 : 2);
  return [...group.members].sort(
    (a, b) => rank(a) - rank(b) || a.displayName.localeCompare(b.displayName),
  );
}

export function memberCountText(count: number): string {
  return count === 1 ? '1 member' : `${count} members`;
}
