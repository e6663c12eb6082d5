// The search field above the conversation list (Ctrl/Cmd+K focuses it, Escape clears it).
import type { Ref } from 'react';
import { CloseIcon, SearchIcon } from '../components/icons.tsx';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export function SearchBox({
  ref,
  value,
  onChange,
}: {
  ref?: Ref<HTMLInputElement>;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="search-box">
      <SearchIcon size={16} className="search-icon" />
      <input
        ref={ref}
        type="search"
        aria-label="Search"
        placeholder={`Search  ${isMac ? '⌘K' : 'Ctrl+K'}`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && value) {
            e.preventDefault();
            e.stopPropagation();
            onChange('');
          }
          if (e.key === 'ArrowDown') {
            const first = e.currentTarget
              .closest('.sidebar')
              ?.querySelector<HTMLElement>('[data-list-item]');
            if (first) {
              e.preventDefault();
              first.focus();
            }
          }
        }}
        spellCheck={false}
        autoComplete="off"
      />
      {value && (
        <button
          type="button"
          className="search-clear"
          aria-label="Clear search"
          onClick={() => onChange('')}
        >
          <CloseIcon size={14} />
        </button>
      )}
    </div>
  );
}
