// One row of the conversation list: who, about what, the last message, when, and what
// needs attention (unread, pending, failed). Its accessible name is its visible text plus
// the marks put into words, so what a voice-control user reads out also names it.
import { memo } from 'react';
import type { LocalConversation } from '../../sync/db.ts';
import { useApp } from '../app/app-context.tsx';
import { ContextBadge } from '../components/ContextBadge.tsx';
import { AlertIcon, BellOffIcon, ClockIcon } from '../components/icons.tsx';
import { UserText } from '../components/UserText.tsx';
import { ConversationAvatar } from '../groups/GroupAvatar.tsx';
import { conversationName, memberCountText, senderNameIn, YOU } from '../groups/roster.ts';
import { Link } from '../routing/router.tsx';
import { conversationPath, conversationUrlId } from '../routing/routes.ts';
import { formatRelative } from '../time/format-time.ts';

const NO_MESSAGES = 'No messages yet';

const DRAFT_PREFIX = 'Draft: ';

function oneLine(text: string | null | undefined): string | null {
  const line = text?.replace(/\s+/g, ' ').trim();
  return line ? line : null;
}

function lastMessageText(conversation: LocalConversation): string | null {
  return conversation.lastMessagePreview?.replace(/\s+/g, ' ').trim() ?? null;
}

/** Who wrote the last message, when the row says so: "You" for this user, and in a group
 * the sender (a membership change names who made it itself, and has no sender here). */
function previewSender(conversation: LocalConversation, myUserId: number): string | null {
  const senderId = conversation.lastMessageSenderId;
  if (senderId === null) return null;
  if (!conversation.group) return senderId === myUserId ? YOU : null;
  return senderNameIn(conversation, senderId, myUserId);
}

/** What the row only shows as marks, said in words to screen readers. */
function attentionText(conversation: LocalConversation, isOnline: boolean): string {
  const parts: string[] = [];
  if (isOnline) parts.push('online');
  if (conversation.muted) parts.push('muted');
  if (conversation.unreadCount > 0) parts.push(`${conversation.unreadCount} unread`);
  if (conversation.failedCount > 0) parts.push(`${conversation.failedCount} failed`);
  else if (conversation.pendingCount > 0) parts.push(`${conversation.pendingCount} pending`);
  return parts.length > 0 ? `, ${parts.join(', ')}` : '';
}

/** The preview as shown: "You: " stays outside the isolated text. */
function ConversationPreview({
  conversation,
  myUserId,
  draft,
}: {
  conversation: LocalConversation;
  myUserId: number;
  draft: string | null;
}) {
  const drafted = oneLine(draft);
  if (drafted !== null) {
    return (
      <>
        <span className="ci-draft">{DRAFT_PREFIX}</span>
        <UserText text={drafted} />
      </>
    );
  }
  const text = lastMessageText(conversation);
  if (text === null) return NO_MESSAGES;
  const sender = previewSender(conversation, myUserId);
  return (
    <>
      {sender === YOU
        ? 'You: '
        : sender !== null && (
            <>
              <UserText text={sender} />:{' '}
            </>
          )}
      <UserText text={text} />
    </>
  );
}

function ConversationItemView({
  conversation,
  myUserId,
  isActive,
  isOnline,
  now,
  draft = null,
}: {
  conversation: LocalConversation;
  myUserId: number;
  isActive: boolean;
  isOnline: boolean;
  now: Date;
  /** Unsent text in this conversation, shown instead of the last message. */
  draft?: string | null;
}) {
  const { recentConversations } = useApp();
  const hasUnread = conversation.unreadCount > 0;
  const urlId = conversationUrlId(conversation);
  const { group } = conversation;
  return (
    <Link
      to={conversationPath(conversation, myUserId)}
      onClick={() => recentConversations.set(urlId, conversation)}
      className={`conversation-item${isActive ? ' is-active' : ''}${hasUnread ? ' has-unread' : ''}${conversation.muted ? ' is-muted' : ''}`}
      aria-current={isActive ? 'page' : undefined}
      data-list-item=""
    >
      <span className="chat-avatar">
        <ConversationAvatar conversation={conversation} size={44} />
        {isOnline && <span className="presence-dot" title="Online" aria-hidden="true" />}
      </span>
      <span className="ci-body">
        <span className="ci-row">
          <span className="ci-name">
            <UserText text={conversationName(conversation)} />
          </span>
          <span className="visually-hidden">{attentionText(conversation, isOnline)}</span>
          <time className="ci-time" dateTime={conversation.lastActivityAt}>
            {formatRelative(conversation.lastActivityAt, now)}
          </time>
        </span>
        <span className="ci-row ci-context">
          {group ? (
            <span className="ci-members">{memberCountText(group.members.length)}</span>
          ) : (
            <ContextBadge type={conversation.conversationType} />
          )}
          {conversation.contextTitle && (
            <span className="ci-context-title">
              <UserText text={conversation.contextTitle} />
            </span>
          )}
        </span>
        <span className="ci-row">
          <span className="ci-preview">
            <ConversationPreview conversation={conversation} myUserId={myUserId} draft={draft} />
          </span>
          <span className="ci-flags">
            {conversation.muted && (
              <BellOffIcon
                size={14}
                className="ci-muted"
                role="img"
                aria-hidden={false}
                aria-label="Muted"
              />
            )}
            {conversation.failedCount > 0 ? (
              <AlertIcon size={15} className="ci-failed" />
            ) : conversation.pendingCount > 0 ? (
              <ClockIcon size={14} className="ci-pending" />
            ) : null}
            {hasUnread && (
              <span
                className={`unread-count${conversation.muted ? ' is-muted' : ''}`}
                aria-hidden="true"
              >
                {conversation.unreadCount > 99 ? '99+' : conversation.unreadCount}
              </span>
            )}
          </span>
        </span>
      </span>
    </Link>
  );
}

/** Re-rendered only when its conversation, its active state or the clock changes: the
 * list holds up to hundreds of rows and a route change touches two of them. */
export const ConversationItem = memo(ConversationItemView);
