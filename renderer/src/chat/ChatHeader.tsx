// Who the conversation is with, what it is about (linked to the service or request),
// their presence, and the conversation's mute switch.
import type { LocalConversation } from '../../sync/db.ts';
import { useApp } from '../app/app-context.tsx';
import { Avatar } from '../components/Avatar.tsx';
import { ContextBadge } from '../components/ContextBadge.tsx';
import { ArrowLeftIcon, BellIcon, BellOffIcon } from '../components/icons.tsx';
import { UserText } from '../components/UserText.tsx';
import { useOnlineUsers } from '../conversations/use-online-users.ts';
import { Link } from '../routing/router.tsx';

export function ChatHeader({
  conversation,
  isTyping,
}: {
  conversation: LocalConversation;
  isTyping: boolean;
}) {
  const { db } = useApp();
  const isOnline = useOnlineUsers().has(conversation.otherUserId);
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
        <Avatar name={conversation.otherDisplayName} seed={conversation.otherUserId} size={40} />
        {isOnline && <span className="presence-dot" title="Online" />}
      </span>
      <div className="chat-title">
        <h2>
          <UserText text={conversation.otherDisplayName} />
        </h2>
        <p className="chat-subtitle">
          {isTyping ? (
            <span className="typing" aria-live="polite">
              typing
              <span className="typing-dots" aria-hidden="true" />
            </span>
          ) : (
            <>
              <ContextBadge type={conversation.conversationType} />
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
