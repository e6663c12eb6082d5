// The downloads section of the settings: how large a received file may be to be
// fetched as soon as it arrives, so that it opens offline later.
import { useId } from 'react';
import { useApp } from '../app/app-context.tsx';
import { formatFileSize } from '../chat/attachments/file-size.ts';
import { AUTO_DOWNLOAD_LIMITS, useSettings } from './settings-store.ts';

function limitLabel(bytes: number, index: number): string {
  if (bytes === 0) return 'Never';
  return index === AUTO_DOWNLOAD_LIMITS.length - 1 ? 'Any size' : `Up to ${formatFileSize(bytes)}`;
}

export function DownloadSettings() {
  const { settings } = useApp();
  const current = useSettings(settings);
  const titleId = useId();
  const fieldId = useId();
  const hintId = useId();

  return (
    <section className="settings-section" aria-labelledby={titleId}>
      <h2 id={titleId} className="settings-title">
        Downloads
      </h2>
      <div className="settings-field">
        <label htmlFor={fieldId}>Download received files automatically</label>
        <select
          id={fieldId}
          aria-describedby={hintId}
          value={current.autoDownloadMaxBytes}
          onChange={(event) =>
            settings.update({ autoDownloadMaxBytes: Number(event.target.value) })
          }
        >
          {AUTO_DOWNLOAD_LIMITS.map((bytes, index) => (
            <option key={bytes} value={bytes}>
              {limitLabel(bytes, index)}
            </option>
          ))}
        </select>
        <p id={hintId} className="settings-note">
          Files from the last week; others download when you open them. Downloaded files open
          offline.
        </p>
      </div>
    </section>
  );
}
