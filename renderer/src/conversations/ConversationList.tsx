// The conversation list: newest activity first, live, grown a page at a time as it
// scrolls; arrow keys move between conversations.
import { useState } from 'react';
import { useApp } from '../app/app-context.tsx';
import { openingCount } from '../chat/message-range.ts';
import { readAhead } from '../chat/read-ahead.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { ChatIcon } from '../components/icons.tsx';
import { Link, useRoute } from '../routing/router.tsx';
import { conversationUrlId } from '../routing/routes.ts';
import { useNow } from '../time/use-now.ts';
import { ConversationItem } from './ConversationItem.tsx';
import { moveFocusInList } from './list-keys.ts';
import { useConversations } from './use-conversations.ts';
import { useDrafts } from './use-drafts.ts';
import { useOnlineUsers } from './use-online-users.ts';

const PAGE = 100;

export function ConversationList() {
  const { db, user } = useApp();
  const onlineUsers = useOnlineUsers();
  const [limit, setLimit] = useState(PAGE);
  const conversations = useConversations(db, limit);
  const drafts = useDrafts(db);
  const route = useRoute();
  const now = useNow();
  const activeId = route.name === 'chat' ? route.conversationId : null;

  if (conversations === undefined) {
    return (
      <div className="conversation-list is-loading" aria-busy="true">
        <span className="visually-hidden">Loading conversations</span>
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="skeleton-item" />
        ))}
      </div>
    );
  }
  return (
    <nav
      className="conversation-list"
      aria-label="Conversations"
      onKeyDown={moveFocusInList}
      onScroll={(event) => {
        const el = event.currentTarget;
        if (
          conversations.length >= limit &&
          el.scrollTop + el.clientHeight > el.scrollHeight - 400
        ) {
          setLimit((n) => n + PAGE);
        }
      }}
    >
      {conversations.length === 0 ? (
        <EmptyState icon={<ChatIcon size={28} />} title="No conversations yet">
          <p>Start one from a service or a request, or find someone with New chat (+).</p>
          <p>
            <Link to="/services" className="button secondary">
              Browse services
            </Link>
          </p>
        </EmptyState>
      ) : (
        <ul>
          {conversations.map((conversation) => (
            <li
              key={conversation.key}
              onPointerEnter={() =>
                readAhead(db, conversation.key, openingCount(conversation.unreadCount))
              }
              onFocus={() =>
                readAhead(db, conversation.key, openingCount(conversation.unreadCount))
              }
            >
              <ConversationItem
                conversation={conversation}
                myUserId={user.userId}
                now={now}
                draft={drafts.get(conversation.key) ?? null}
                isOnline={!conversation.group && onlineUsers.has(conversation.otherUserId)}
                isActive={
                  activeId === conversation.key || activeId === conversationUrlId(conversation)
                }
              />
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}
