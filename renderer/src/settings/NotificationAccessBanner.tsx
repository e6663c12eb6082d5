// Above the conversation list while the browser has not been asked: the reason and a
// button that asks, or "Not now", which the settings row can still undo.
import { useApp } from '../app/app-context.tsx';
import { useSettings } from './settings-store.ts';
import { ACCESS_REASON, useNotificationAccess } from './use-notification-access.ts';

export function NotificationAccessBanner() {
  const { settings } = useApp();
  const { isAccessBannerDismissed } = useSettings(settings);
  const { access, isAsking, ask } = useNotificationAccess();
  if (access !== 'not-asked' || isAccessBannerDismissed) return null;
  return (
    <section className="access-banner" aria-label="Turn on notifications">
      <p>{ACCESS_REASON}</p>
      <div className="access-banner-actions">
        <button
          type="button"
          className="button primary small"
          disabled={isAsking}
          onClick={() => void ask()}
        >
          Turn on notifications
        </button>
        <button
          type="button"
          className="button ghost small"
          onClick={() => settings.update({ isAccessBannerDismissed: true })}
        >
          Not now
        </button>
      </div>
    </section>
  );
}
