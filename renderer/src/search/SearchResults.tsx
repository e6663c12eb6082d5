// Search results in the sidebar: matching conversations, then matching messages with a
// highlighted snippet; choosing a message opens the conversation at that message.
import { useApp } from '../app/app-context.tsx';
import { ContextBadge } from '../components/ContextBadge.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { SearchIcon } from '../components/icons.tsx';
import { UserText } from '../components/UserText.tsx';
import { ConversationItem } from '../conversations/ConversationItem.tsx';
import { moveFocusInList } from '../conversations/list-keys.ts';
import { useOnlineUsers } from '../conversations/use-online-users.ts';
import { ConversationAvatar } from '../groups/GroupAvatar.tsx';
import { conversationName, senderNameIn } from '../groups/roster.ts';
import { contextLabel } from '../notifications/notification-policy.ts';
import { Link } from '../routing/router.tsx';
import { conversationPath } from '../routing/routes.ts';
import { formatRelative } from '../time/format-time.ts';
import { useNow } from '../time/use-now.ts';
import { buildSnippet } from './snippet.ts';
import { type MessageHit, useSearch } from './use-search.ts';

function MessageResult({ hit, tokens, now }: { hit: MessageHit; tokens: string[]; now: Date }) {
  const { user } = useApp();
  const { message, conversation } = hit;
  const parts = buildSnippet(message.content, tokens);
  const who = senderNameIn(conversation, message.senderId, user.userId);
  return (
    <Link
      to={conversationPath(conversation, user.userId, message.clientMsgId)}
      className="search-hit"
      data-list-item=""
    >
      <ConversationAvatar conversation={conversation} size={36} />
      <span className="ci-body">
        <span className="ci-row">
          <span className="ci-name">
            <UserText text={conversationName(conversation)} />
          </span>
          <time className="ci-time" dateTime={message.createdAt}>
            {formatRelative(message.createdAt, now)}
          </time>
        </span>
        <span className="ci-row ci-context">
          <ContextBadge type={conversation.conversationType} />
          <span className="ci-context-title">
            <UserText text={contextLabel(conversation)} />
          </span>
        </span>
        <span className="search-snippet">
          {/* A membership change already says who made it. */}
          {message.messageType !== 'system' && (
            <span className="snippet-who">
              <UserText text={who} />:{' '}
            </span>
          )}
          <bdi dir="auto">
            {parts.map((part, i) =>
              part.isMatch ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: parts never reorder
                <mark key={i}>{part.text}</mark>
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: parts never reorder
                <span key={i}>{part.text}</span>
              ),
            )}
          </bdi>
        </span>
      </span>
    </Link>
  );
}

export function SearchResults({ query }: { query: string; onDone?: () => void }) {
  const { db, user } = useApp();
  const onlineUsers = useOnlineUsers();
  const result = useSearch(db, query, user.userId);
  const now = useNow();
  if (!result) {
    return <div className="search-results is-loading" aria-busy="true" />;
  }
  const isEmpty = result.conversations.length === 0 && result.messages.length === 0;
  return (
    <section className="search-results" aria-label="Search results" onKeyDown={moveFocusInList}>
      {isEmpty ? (
        <EmptyState icon={<SearchIcon size={26} />} title="No results">
          <p>Nothing on this device matches “{query.trim()}”.</p>
        </EmptyState>
      ) : (
        <>
          {result.conversations.length > 0 && (
            <>
              <h2 className="results-heading">Conversations</h2>
              <ul>
                {result.conversations.map((c) => (
                  <li key={c.key}>
                    <ConversationItem
                      conversation={c}
                      myUserId={user.userId}
                      isActive={false}
                      isOnline={!c.group && onlineUsers.has(c.otherUserId)}
                      now={now}
                    />
                  </li>
                ))}
              </ul>
            </>
          )}
          {result.messages.length > 0 && (
            <>
              <h2 className="results-heading">Messages</h2>
              <ul>
                {result.messages.map((hit) => (
                  <li key={hit.message.clientMsgId}>
                    <MessageResult hit={hit} tokens={result.tokens} now={now} />
                  </li>
                ))}
              </ul>
              {result.isTruncated && (
                <p className="results-note">
                  Showing the best matches. Add words to narrow it down.
                </p>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}
