// A popover with this device's preferences: notifications, downloads, where the session
// is kept, and signed-in devices.
import { useEffect, useId, useRef, useState } from 'react';
import { SettingsIcon } from '../components/icons.tsx';
import { DevicesPanel } from './DevicesPanel.tsx';
import { DownloadSettings } from './DownloadSettings.tsx';
import { NotificationSettings } from './NotificationSettings.tsx';
import { SessionStorageSettings } from './SessionStorageSettings.tsx';

export function SettingsMenu() {
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
        <div className="popover" id={panelId} role="dialog" aria-label="Settings">
          <NotificationSettings />
          <DownloadSettings />
          <SessionStorageSettings />
          <DevicesPanel />
        </div>
      )}
    </div>
  );
}
