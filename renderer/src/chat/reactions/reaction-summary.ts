// How a message's reactions read: per emoji, how many and who ("You, Bob and 2 others").
import type { ReactionsView } from '../../../../shared/reactions.ts';

/** The emojis offered first, in the order WhatsApp and Signal offer them. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

export function whoReacted(
  userIds: readonly number[],
  myUserId: number,
  nameOf: (userId: number) => string,
): string {
  // One's own reaction is named first, as "You".
  const names = [...userIds]
    .sort((a, b) => Number(b === myUserId) - Number(a === myUserId))
    .map((id) => (id === myUserId ? 'You' : nameOf(id)));
  if (names.length <= 3) {
    return names.length <= 1
      ? (names[0] ?? '')
      : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  }
  const others = names.length - 2;
  return `${names.slice(0, 2).join(', ')} and ${others} others`;
}

export function reactionLabel(
  reaction: ReactionsView[number],
  myUserId: number,
  nameOf: (userId: number) => string,
): string {
  const count = reaction.userIds.length;
  const who = whoReacted(reaction.userIds, myUserId, nameOf);
  const mine = reaction.userIds.includes(myUserId);
  return `${reaction.emoji} ${count}: ${who}. ${mine ? 'Press to take yours back' : 'Press to add yours'}`;
}
