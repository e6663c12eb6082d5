// Whether this app may show notifications, and a button that asks, with the reason next
// to it. Nothing asks on load or on a first click anywhere.
import type { NotificationAccess } from '../../../shared/platform/bridge.ts';
import { ACCESS_REASON, useNotificationAccess } from './use-notification-access.ts';

const STATE_TEXT: Record<Exclude<NotificationAccess, 'not-asked'>, string> = {
  allowed: 'Notifications are allowed.',
  blocked:
    'Notifications are blocked in your browser’s settings. Allow them there for this site to be told about new messages.',
  unsupported: 'This browser cannot show notifications.',
};

export function NotificationAccessRow() {
  const { access, isAsking, ask } = useNotificationAccess();
  if (access !== 'not-asked') {
    return (
      <p className="settings-note" data-access={access}>
        {STATE_TEXT[access]}
      </p>
    );
  }
  return (
    <div className="settings-access">
      <p className="settings-note">{ACCESS_REASON}</p>
      <button
        type="button"
        className="button primary small"
        disabled={isAsking}
        onClick={() => void ask()}
      >
        Turn on notifications
      </button>
    </div>
  );
}
