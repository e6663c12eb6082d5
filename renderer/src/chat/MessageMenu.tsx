// A message's "more actions" menu button (the WAI-ARIA menu button pattern): arrows move
// between items, Escape closes it and gives focus back to the button. The composer's
// "Send later" is one too, with its own icon.
import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { MoreIcon } from '../components/icons.tsx';

export interface MenuItem {
  label: string;
  onSelect(): void;
  isDanger?: boolean;
}

interface MessageMenuProps {
  label: string;
  items: MenuItem[];
  icon?: ReactNode;
  /** The button's tooltip. */
  title?: string;
  isDisabled?: boolean;
  className?: string;
}

export function MessageMenu({
  label,
  items,
  icon = <MoreIcon size={16} />,
  title = 'More actions',
  isDisabled = false,
  className = 'message-menu',
}: MessageMenuProps) {
  const [isOpen, setOpen] = useState(false);
  // The log clips what overflows it: a menu low in the window opens upwards.
  const [opensUp, setOpensUp] = useState(false);
  const menuId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (isOpen) menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [isOpen]);

  const close = (returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) button.current?.focus();
  };

  const onMenuKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const entries = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const active = document.activeElement;
    const at = active instanceof HTMLElement ? entries.indexOf(active) : -1;
    const moveTo = (index: number) => entries.at(index % entries.length)?.focus();
    if (event.key === 'ArrowDown') moveTo(at + 1);
    else if (event.key === 'ArrowUp') moveTo(at - 1);
    else if (event.key === 'Home') moveTo(0);
    else if (event.key === 'End') moveTo(-1);
    else if (event.key === 'Escape') close(true);
    else if (event.key === 'Tab') {
      close(false);
      return;
    } else return;
    // Handled here: the conversation's own Escape (back to the list) must not fire too.
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <div className={className}>
      <button
        ref={button}
        type="button"
        className="icon-button"
        aria-label={label}
        title={title}
        disabled={isDisabled}
        aria-haspopup="menu"
        aria-expanded={isOpen}
        aria-controls={isOpen ? menuId : undefined}
        onClick={(event) => {
          const { top } = event.currentTarget.getBoundingClientRect();
          setOpensUp(top > window.innerHeight / 2);
          setOpen((open) => !open);
        }}
      >
        {icon}
      </button>
      {isOpen && (
        <div
          ref={menu}
          id={menuId}
          role="menu"
          aria-label={label}
          className={`menu${opensUp ? ' opens-up' : ''}`}
          onKeyDown={onMenuKey}
          onBlur={(event) => {
            const next = event.relatedTarget;
            // Focus going to the button is its click, which closes the menu itself.
            if (!event.currentTarget.contains(next) && next !== button.current) close(false);
          }}
        >
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className={`menu-item${item.isDanger ? ' danger-text' : ''}`}
              onClick={() => {
                close(true);
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
