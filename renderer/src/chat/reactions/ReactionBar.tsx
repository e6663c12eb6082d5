// The reactions under a message: one toggle per emoji with its count, pressed when the
// user's own reaction is among them; its name says who reacted.
import type { ReactionsView } from '../../../../shared/reactions.ts';
import { reactionLabel, whoReacted } from './reaction-summary.ts';

export function ReactionBar({
  reactions,
  myUserId,
  nameOf,
  onToggle,
  isDisabled = false,
}: {
  reactions: ReactionsView;
  myUserId: number;
  nameOf(userId: number): string;
  onToggle(emoji: string): void;
  /** Shown but not changeable (the user left the group). */
  isDisabled?: boolean;
}) {
  if (reactions.length === 0) return null;
  return (
    // biome-ignore lint/a11y/useSemanticElements: a group of toggles, not a fieldset form
    <div className="reaction-bar" role="group" aria-label="Reactions">
      {reactions.map((reaction) => {
        const isMine = reaction.userIds.includes(myUserId);
        return (
          <button
            key={reaction.emoji}
            type="button"
            className={`reaction-chip${isMine ? ' is-mine' : ''}`}
            aria-pressed={isMine}
            aria-label={reactionLabel(reaction, myUserId, nameOf)}
            title={whoReacted(reaction.userIds, myUserId, nameOf)}
            disabled={isDisabled}
            onClick={() => onToggle(reaction.emoji)}
          >
            <span aria-hidden="true">{reaction.emoji}</span>
            <span className="reaction-count" aria-hidden="true">
              {reaction.userIds.length}
            </span>
          </button>
        );
      })}
    </div>
  );
}
