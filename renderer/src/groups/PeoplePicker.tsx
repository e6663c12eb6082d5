// Choosing several people by name (for a new group, or to add to one): the chosen ones as
// chips above the search, each with its own remove button (Backspace in the empty search
// removes the last); each person found is a checkbox. Finding people needs the server:
// offline, it says so.
import { type KeyboardEvent, type Ref, useId, useImperativeHandle, useRef, useState } from 'react';
import { GROUP_LIMITS } from '../../../shared/groups.ts';
import type { PublicUser } from '../../../shared/model.ts';
import { useApp } from '../app/app-context.tsx';
import { CloseIcon } from '../components/icons.tsx';
import { UserText } from '../components/UserText.tsx';
import { usePeopleSearch } from '../conversations/use-people-search.ts';
import { useNetworkOnline, useSyncStatus } from '../sync-state/use-sync-status.ts';

export interface PeoplePickerHandle {
  focus(): void;
}

interface PeoplePickerProps {
  ref?: Ref<PeoplePickerHandle>;
  chosen: readonly PublicUser[];
  onChange(chosen: PublicUser[]): void;
  /** People who cannot be chosen: this user, and a group's members already. */
  excluded: ReadonlySet<number>;
  /** How many may be chosen at most. */
  max: number;
}

export function PeoplePicker({ ref, chosen, onChange, excluded, max }: PeoplePickerProps) {
  const { server, engine, bridge } = useApp();
  const isNetworkOnline = useNetworkOnline(bridge);
  const isOffline = useSyncStatus(engine).connectivity === 'offline' || !isNetworkOnline;
  const [query, setQuery] = useState('');
  const found = usePeopleSearch(server, query);
  const input = useRef<HTMLInputElement>(null);
  const resultsId = useId();
  const isFull = chosen.length >= max;
  useImperativeHandle(ref, () => ({ focus: () => input.current?.focus() }), []);

  const isChosen = (userId: number) => chosen.some((p) => p.userId === userId);
  const toggle = (person: PublicUser) =>
    onChange(
      isChosen(person.userId)
        ? chosen.filter((p) => p.userId !== person.userId)
        : [...chosen, person],
    );
  const remove = (person: PublicUser) => {
    onChange(chosen.filter((p) => p.userId !== person.userId));
    input.current?.focus();
  };
  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    const last = chosen.at(-1);
    if (event.key === 'Backspace' && query === '' && last) {
      event.preventDefault();
      remove(last);
    }
  };
  const people = found.state === 'found' ? found.people.filter((p) => !excluded.has(p.userId)) : [];

  return (
    <div className="people-picker">
      {chosen.length > 0 && (
        <ul className="chips" aria-label="Chosen people">
          {chosen.map((person) => (
            <li key={person.userId} className="chip">
              <UserText text={person.displayName} />
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${person.displayName}`}
                title="Remove"
                onClick={() => remove(person)}
              >
                <CloseIcon size={12} />
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        ref={input}
        type="search"
        className="new-chat-search"
        placeholder="Search people by name"
        aria-label="Search people by name"
        aria-controls={resultsId}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={onSearchKey}
        autoComplete="off"
        spellCheck={false}
      />
      <div id={resultsId} aria-live="polite" className="people-results">
        {isOffline && (
          <p className="muted small">You are offline: finding people needs a connection.</p>
        )}
        {found.state === 'searching' && <p className="muted small">Searching…</p>}
        {found.state === 'failed' && <p className="failure-text">Not found: {found.reason}.</p>}
        {found.state === 'found' && people.length === 0 && (
          <p className="muted small">Nobody else by that name.</p>
        )}
        {people.length > 0 && (
          <ul className="new-chat-results" aria-label="People">
            {people.map((person) => {
              const isOn = isChosen(person.userId);
              return (
                <li key={person.userId}>
                  <label className="new-chat-person person-option">
                    <input
                      type="checkbox"
                      checked={isOn}
                      disabled={!isOn && isFull}
                      onChange={() => toggle(person)}
                    />
                    <UserText text={person.displayName} />
                  </label>
                </li>
              );
            })}
          </ul>
        )}
        {isFull && (
          <p className="muted small">A group holds at most {GROUP_LIMITS.maxMembers} people.</p>
        )}
      </div>
    </div>
  );
}
