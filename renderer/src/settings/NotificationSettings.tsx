// The notification section of the settings: permission, mute everything, do-not-disturb,
// sound, and what a notification may show. Every choice is read by the one notification
// policy, in the browser and on the desktop.
import { useId } from 'react';
import { useApp } from '../app/app-context.tsx';
import { type PreviewLevel, previewLevels } from '../notifications/notification-settings.ts';
import { DoNotDisturbField } from './DoNotDisturbField.tsx';
import { NotificationAccessRow } from './NotificationAccessRow.tsx';
import { useSettings } from './settings-store.ts';

const PREVIEW_LABELS: Record<PreviewLevel, string> = {
  'name-and-message': 'Name and message',
  'name-only': 'Name only',
  nothing: 'No name or message',
};

function isPreviewLevel(value: string): value is PreviewLevel {
  return previewLevels.some((level) => level === value);
}

export function NotificationSettings() {
  const { settings } = useApp();
  const current = useSettings(settings);
  const titleId = useId();
  const previewId = useId();

  return (
    <section className="settings-section" aria-labelledby={titleId}>
      <h2 id={titleId} className="settings-title">
        Notifications
      </h2>
      <NotificationAccessRow />
      <label className="toggle">
        <input
          type="checkbox"
          checked={current.isAllMuted}
          onChange={(event) => settings.update({ isAllMuted: event.target.checked })}
        />
        <span>Mute all notifications</span>
      </label>
      <DoNotDisturbField
        value={current.doNotDisturb}
        onChange={(doNotDisturb) => settings.update({ doNotDisturb })}
      />
      <label className="toggle">
        <input
          type="checkbox"
          checked={current.isSoundOn}
          onChange={(event) => settings.update({ isSoundOn: event.target.checked })}
        />
        <span>Play a sound</span>
      </label>
      <div className="settings-field">
        <label htmlFor={previewId}>Show in notifications</label>
        <select
          id={previewId}
          value={current.preview}
          onChange={(event) => {
            if (isPreviewLevel(event.target.value))
              settings.update({ preview: event.target.value });
          }}
        >
          {previewLevels.map((level) => (
            <option key={level} value={level}>
              {PREVIEW_LABELS[level]}
            </option>
          ))}
        </select>
      </div>
    </section>
  );
}
