// Whether this app may show notifications, and the one place that asks: a button the
// user presses, with the reason next to it. Nothing asks on load or on a first click.
import { useState } from 'react';
import type { NotificationAccess } from '../../../shared/platform/bridge.ts';
import { useApp } from '../app/app-context.tsx';

const STATE_TEXT: Record<Exclude<NotificationAccess, 'not-asked'>, string> = {
  allowed: 'Notifications are allowed.',
  blocked:
    'Notifications are blocked in your browser’s settings. Allow them there for this site to be told about new messages.',
  unsupported: 'This browser cannot show notifications.',
};

export function NotificationAccessRow() {
  const { bridge } = useApp();
  const [access, setAccess] = useState(() => bridge.notificationAccess());
  const [isAsking, setAsking] = useState(false);

  const ask = async () => {
    setAsking(true);
    try {
      setAccess(await bridge.requestNotificationAccess());
    } finally {
      setAsking(false);
    }
  };

  if (access !== 'not-asked') {
    return (
      <p className="settings-note" data-access={access}>
        {STATE_TEXT[access]}
      </p>
    );
  }
  return (
    <div className="settings-access">
      <p className="settings-note">Turn on notifications so you know when someone messages you.</p>
      <button
        type="button"
        className="settings-button"
        disabled={isAsking}
        onClick={() => void ask()}
      >
        Turn on notifications
      </button>
    </div>
  );
}
