// "New chat": find someone by name and open a general conversation with them (kept on
// this device until its first message, like any conversation started here), or go on to
// "New group". A dialog: focus starts in the search box, arrows are not needed (results
// are buttons in a list), Escape closes it and focus goes back to "New chat".
import { useEffect, useId, useRef, useState } from 'react';
import type { PublicUser } from '../../../shared/model.ts';
import { useApp } from '../app/app-context.tsx';
import { CloseIcon, GroupIcon } from '../components/icons.tsx';
import { UserText } from '../components/UserText.tsx';
import { useNavigate } from '../routing/router.tsx';
import { chatPath, conversationUrlId } from '../routing/routes.ts';
import { usePeopleSearch } from './use-people-search.ts';

export function NewChatDialog({ onClose, onNewGroup }: { onClose(): void; onNewGroup(): void }) {
  const { server, engine, db } = useApp();
  const navigate = useNavigate();
  const [query, setQuery] = useState('');
  const [openError, setOpenError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const resultsId = useId();

  useEffect(() => {
    input.current?.focus();
  }, []);

  const found = usePeopleSearch(server, query);

  const start = async (person: PublicUser) => {
    setOpenError(null);
    try {
      const key = await engine.openConversation({
        otherUserId: person.userId,
        otherDisplayName: person.displayName,
        conversationType: 'general',
        contextId: null,
        contextTitle: null,
      });
      const conversation = await db.conversations.get(key);
      onClose();
      navigate(chatPath(person.userId, conversation ? conversationUrlId(conversation) : key));
    } catch (error) {
      setOpenError(error instanceof Error ? error.message : 'The chat could not be started.');
    }
  };

  return (
    <div
      className="popover new-chat"
      role="dialog"
      aria-labelledby={titleId}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="new-chat-header">
        <h2 id={titleId} className="settings-title">
          New chat
        </h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          <CloseIcon size={14} />
        </button>
      </div>
      <button type="button" className="new-chat-person new-group-entry" onClick={onNewGroup}>
        <GroupIcon size={18} /> New group
      </button>
      <input
        ref={input}
        type="search"
        className="new-chat-search"
        placeholder="Search people by name"
        aria-label="Search people by name"
        aria-controls={resultsId}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <div id={resultsId} aria-live="polite">
        {found.state === 'searching' && <p className="muted">Searching…</p>}
        {found.state === 'failed' && <p className="failure-text">Not found: {found.reason}.</p>}
        {found.state === 'found' && found.people.length === 0 && (
          <p className="muted">Nobody by that name.</p>
        )}
        {found.state === 'found' && found.people.length > 0 && (
          <ul className="new-chat-results" aria-label="People">
            {found.people.map((person) => (
              <li key={person.userId}>
                <button
                  type="button"
                  className="new-chat-person"
                  onClick={() => void start(person)}
                >
                  <UserText text={person.displayName} />
                </button>
              </li>
            ))}
          </ul>
        )}
        {openError && <p className="failure-text">{openError}</p>}
      </div>
    </div>
  );
}
