// Who the conversation is with, what it is about (linked to the service or request),
// their presence, and the conversation's mute switch. For a group: its title, how many
// are in it and who, and its info (the title itself opens it too).
import type { LocalConversation, LocalGroup } from '../../sync/db.ts';
import { useApp } from '../app/app-context.tsx';
import { ContextBadge } from '../components/ContextBadge.tsx';
import { ArrowLeftIcon, BellIcon, BellOffIcon, InfoIcon } from '../components/icons.tsx';
import { UserText } from '../components/UserText.tsx';
import { useOnlineUsers } from '../conversations/use-online-users.ts';
import { ConversationAvatar } from '../groups/GroupAvatar.tsx';
import { memberCountText, otherMembers } from '../groups/roster.ts';
import { Link } from '../routing/router.tsx';

/** Names shown after the count; the rest are in the group's info. */
const NAMES_SHOWN = 4;

function TypingLine({ who }: { who: string }) {
  return (
    <span className="typing" aria-live="polite">
      {who}
      <span className="typing-dots" aria-hidden="true" />
    </span>
  );
}

/** Who is typing in a group, as a header has room for. */
export function groupTypingText(names: readonly string[]): string {
  if (names.length === 0) return 'someone is typing';
  if (names.length === 1) return `${names[0]} is typing`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing`;
  return `${names.length} people are typing`;
}

function GroupSubtitle({ group, myUserId }: { group: LocalGroup; myUserId: number }) {
  const others = otherMembers(group, myUserId);
  const shown = others.slice(0, NAMES_SHOWN);
  const hidden = others.length - shown.length;
  return (
    <>
      <span>{memberCountText(group.members.length)}</span>
      {shown.length > 0 && (
        <span className="chat-members">
          ·{' '}
          {shown.map((member, i) => (
            <span key={member.userId}>
              {i > 0 && ', '}
              <UserText text={member.displayName} />
            </span>
          ))}
          {hidden > 0 && ` and ${hidden} more`}
        </span>
      )}
    </>
  );
}

export function ChatHeader({
  conversation,
  isTyping,
  typingNames = [],
  onOpenGroupInfo,
}: {
  conversation: LocalConversation;
  isTyping: boolean;
  /** In a group: who is typing. */
  typingNames?: readonly string[];
  /** Opens a group's info; unused for a two-person conversation. */
  onOpenGroupInfo?: () => void;
}) {
  const { db, user } = useApp();
  const { group } = conversation;
  // A group has no one other person to be online.
  const isOnline = useOnlineUsers().has(conversation.otherUserId) && !group;
  const toggleMute = () =>
    void db.conversations.update(conversation.key, { muted: !conversation.muted });
  const listingAnchor =
    conversation.contextId !== null && conversation.conversationType !== 'general'
      ? `/services#${conversation.conversationType}-${conversation.contextId}`
      : null;
  return (
    <header className="chat-header">
      <Link to="/messages" className="icon-button back-button" aria-label="Back to conversations">
        <ArrowLeftIcon size={20} />
      </Link>
      <span className="chat-avatar">
        <ConversationAvatar conversation={conversation} size={40} />
        {isOnline && <span className="presence-dot" title="Online" />}
      </span>
      <div className="chat-title">
        <h2>
          {group && onOpenGroupInfo ? (
            <button
              type="button"
              className="chat-title-button"
              title="Group info"
              onClick={onOpenGroupInfo}
            >
              <UserText text={group.title} />
            </button>
          ) : (
            <UserText text={group ? group.title : conversation.otherDisplayName} />
          )}
        </h2>
        <p className="chat-subtitle">
          {isTyping ? (
            <TypingLine who={group ? groupTypingText(typingNames) : 'typing'} />
          ) : (
            <>
              {group ? (
                <GroupSubtitle group={group} myUserId={user.userId} />
              ) : (
                <ContextBadge type={conversation.conversationType} />
              )}
              {conversation.contextTitle &&
                (listingAnchor ? (
                  <Link to={listingAnchor} className="chat-context-link">
                    <UserText text={conversation.contextTitle} />
                  </Link>
                ) : (
                  <UserText text={conversation.contextTitle} />
                ))}
              {isOnline && <span className="online-label">· online</span>}
            </>
          )}
        </p>
      </div>
      <div className="chat-header-actions">
        {group && onOpenGroupInfo && (
          <button
            type="button"
            className="icon-button"
            aria-label="Group info"
            title="Group info"
            onClick={onOpenGroupInfo}
          >
            <InfoIcon size={19} />
          </button>
        )}
        <button
          type="button"
          className={`icon-button${conversation.muted ? ' is-on' : ''}`}
          aria-pressed={conversation.muted}
          aria-label="Mute notifications"
          title={
            conversation.muted
              ? 'Muted: no notifications from this conversation'
              : 'Mute notifications'
          }
          onClick={toggleMute}
        >
          {conversation.muted ? <BellOffIcon size={19} /> : <BellIcon size={19} />}
        </button>
      </div>
    </header>
  );
}
