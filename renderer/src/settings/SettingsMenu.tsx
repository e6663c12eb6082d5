// A small popover with this device's preferences.
import { useEffect, useId, useRef, useState } from 'react';
import { useApp } from '../app/app-context.tsx';
import { SettingsIcon } from '../components/icons.tsx';
import { DevicesPanel } from './DevicesPanel.tsx';
import { useSettings } from './settings-store.ts';

export function SettingsMenu() {
  const { settings } = useApp();
  const current = useSettings(settings);
  const [isOpen, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!isOpen) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (
        event instanceof KeyboardEvent
          ? event.key === 'Escape'
          : !rootRef.current?.contains(event.target as Node)
      ) {
        setOpen(false);
      }
    };
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', close);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', close);
    };
  }, [isOpen]);

  return (
    <div className="settings-menu" ref={rootRef}>
      <button
        type="button"
        className="rail-item"
        aria-label="Settings"
        title="Settings"
        aria-expanded={isOpen}
        aria-controls={panelId}
        onClick={() => setOpen((open) => !open)}
      >
        <SettingsIcon size={22} />
      </button>
      {isOpen && (
        <div className="popover" id={panelId}>
          <label className="toggle">
            <input
              type="checkbox"
              checked={current.hidePreviews}
              onChange={(e) => settings.update({ hidePreviews: e.target.checked })}
            />
            <span>Hide message text in notifications</span>
          </label>
          <DevicesPanel />
        </div>
      )}
    </div>
  );
}
