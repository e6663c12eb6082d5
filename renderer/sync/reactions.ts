// Reactions on the device (DESIGN §4a): what a message shows is the server's reactions
// with this user's changes still in the outbox laid over them, so a toggle shows at once
// and survives a copy of the message arriving before the server has it.
import type { ReactionsView } from '../../shared/reactions.ts';
import type { OpOfKind } from '../../shared/sync/protocol.ts';

type ReactOp = OpOfKind<'react'>;

/** Whether `userId` has reacted with `emoji`. */
export function hasReacted(reactions: ReactionsView, emoji: string, userId: number): boolean {
  return reactions.some((r) => r.emoji === emoji && r.userIds.includes(userId));
}

/** `reactions` with `userId`'s reaction with `emoji` put on or taken off. */
export function withReaction(
  reactions: ReactionsView,
  emoji: string,
  userId: number,
  isOn: boolean,
): ReactionsView {
  const others = (r: ReactionsView[number]) => r.userIds.filter((id) => id !== userId);
  if (!isOn) {
    return reactions
      .map((r) => (r.emoji === emoji ? { ...r, userIds: others(r) } : r))
      .filter((r) => r.userIds.length > 0);
  }
  if (hasReacted(reactions, emoji, userId)) return reactions;
  const existing = reactions.find((r) => r.emoji === emoji);
  if (!existing) return [...reactions, { emoji, userIds: [userId] }];
  return reactions.map((r) => (r.emoji === emoji ? { ...r, userIds: [...r.userIds, userId] } : r));
}

/** The server's reactions with this user's waiting changes applied in order. */
export function shownReactions(
  confirmed: ReactionsView,
  waiting: readonly ReactOp[],
  userId: number,
): ReactionsView {
  return waiting.reduce((shown, op) => withReaction(shown, op.emoji, userId, op.isOn), confirmed);
}

/** The users (other than `userId`) who reacted with an emoji in `after` but not `before`:
 * what a notification tells the author. */
export function newReactions(
  before: ReactionsView,
  after: ReactionsView,
  userId: number,
): { emoji: string; userId: number }[] {
  const added: { emoji: string; userId: number }[] = [];
  for (const { emoji, userIds } of after) {
    for (const id of userIds) {
      if (id !== userId && !hasReacted(before, emoji, id)) added.push({ emoji, userId: id });
    }
  }
  return added;
}
