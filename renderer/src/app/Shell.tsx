// The signed-in layout: a navigation rail, the sidebar (sync state, search, conversation
// list or search results) and the main pane for the current route.
import { useEffect, useRef, useState } from 'react';
import { ChatView } from '../chat/ChatView.tsx';
import { Avatar } from '../components/Avatar.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { ChatIcon, ClockIcon, OutboxIcon, SignOutIcon, StoreIcon } from '../components/icons.tsx';
import { ConversationList } from '../conversations/ConversationList.tsx';
import { NewChatButton } from '../conversations/NewChatButton.tsx';
import { OutboxView } from '../outbox/OutboxView.tsx';
import { Link, useRoute } from '../routing/router.tsx';
import { SCHEDULED_PATH } from '../routing/routes.ts';
import { ScheduledView } from '../scheduled/ScheduledView.tsx';
import { SearchBox } from '../search/SearchBox.tsx';
import { SearchResults } from '../search/SearchResults.tsx';
import { ServicesView } from '../services/ServicesView.tsx';
import { MemoryOnlySessionBanner } from '../settings/MemoryOnlySessionBanner.tsx';
import { NotificationAccessBanner } from '../settings/NotificationAccessBanner.tsx';
import { SettingsMenu } from '../settings/SettingsMenu.tsx';
import { SessionEndedBanner } from '../sync-state/SessionEndedBanner.tsx';
import { SyncIndicator } from '../sync-state/SyncIndicator.tsx';
import { UpdateRequiredBanner } from '../sync-state/UpdateRequiredBanner.tsx';
import { useSyncStatus } from '../sync-state/use-sync-status.ts';
import { isolateText } from '../text/bidi-isolate.ts';
import { useApp } from './app-context.tsx';

function MainPane() {
  const route = useRoute();
  switch (route.name) {
    case 'chat':
      // Not keyed by the URL id: a conversation created here moves to its server id in
      // the URL, and must not remount (the open conversation itself is keyed inside).
      return <ChatView route={route} />;
    case 'services':
      return <ServicesView />;
    case 'outbox':
      return <OutboxView />;
    case 'scheduled':
      return <ScheduledView />;
    case 'not-found':
      return (
        <EmptyState title="Nothing here">
          <p>
            This page does not exist. <Link to="/messages">Back to your conversations</Link>
          </p>
        </EmptyState>
      );
    default:
      return (
        <EmptyState icon={<ChatIcon size={36} />} title="Your conversations">
          <p>Pick a conversation on the left, or find someone to talk to on the services page.</p>
          <p>
            <Link to="/services" className="button secondary">
              Browse services
            </Link>
          </p>
        </EmptyState>
      );
  }
}

function NavRail() {
  const { user, engine, signOut } = useApp();
  const route = useRoute();
  const status = useSyncStatus(engine);
  const waiting = status.pendingCount + status.failedCount;
  const current = (name: string) => (route.name === name ? 'page' : undefined);
  return (
    <nav className="rail" aria-label="Main">
      <div className="rail-top">
        <Link
          to="/messages"
          className="rail-item"
          aria-label="Chats"
          title="Chats"
          aria-current={current('messages')}
        >
          <ChatIcon size={22} />
        </Link>
        <Link
          to="/services"
          className="rail-item"
          aria-label="Services"
          title="Services"
          aria-current={current('services')}
        >
          <StoreIcon size={22} />
        </Link>
        <Link
          to="/outbox"
          className="rail-item"
          aria-label="Outbox"
          title="Outbox"
          aria-current={current('outbox')}
        >
          <OutboxIcon size={22} />
          {waiting > 0 && (
            <span
              className={`rail-count ${status.failedCount > 0 ? 'is-failed' : ''}`}
              aria-hidden="true"
            >
              {waiting > 99 ? '99+' : waiting}
            </span>
          )}
        </Link>
        <Link
          to={SCHEDULED_PATH}
          className="rail-item"
          aria-label="Scheduled"
          title="Scheduled"
          aria-current={current('scheduled')}
        >
          <ClockIcon size={22} />
        </Link>
      </div>
      <div className="rail-bottom">
        <SettingsMenu />
        <button
          type="button"
          className="rail-item"
          aria-label="Sign out"
          title="Sign out"
          onClick={() => void signOut()}
        >
          <SignOutIcon size={22} />
        </button>
        <span className="rail-me" title={`${isolateText(user.displayName)} (${user.email})`}>
          <Avatar name={user.displayName} seed={user.userId} size={34} />
        </span>
      </div>
    </nav>
  );
}

export function Shell() {
  const route = useRoute();
  const [query, setQuery] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const isMainFocused = route.name !== 'messages';
  return (
    <div className="shell" data-focus={isMainFocused ? 'main' : 'list'}>
      <NavRail />
      <aside className="sidebar" aria-label="Sidebar">
        <header className="sidebar-header">
          <div className="sidebar-title-row">
            <h1 className="sidebar-title">Chats</h1>
            <NewChatButton />
          </div>
          <SyncIndicator />
        </header>
        <SessionEndedBanner />
        <UpdateRequiredBanner />
        <MemoryOnlySessionBanner />
        <NotificationAccessBanner />
        <SearchBox ref={searchRef} value={query} onChange={setQuery} />
        {query.trim() ? (
          <SearchResults query={query} onDone={() => setQuery('')} />
        ) : (
          <ConversationList />
        )}
      </aside>
      <main className="main-pane">
        <MainPane />
      </main>
    </div>
  );
}
