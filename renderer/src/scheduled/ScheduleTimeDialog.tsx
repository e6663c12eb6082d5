// Picking the time a message goes: a date-time field in the user's own time zone,
// checked before it is taken (in the future, within a year). "Custom time" of the
// composer's Send later, and Reschedule of the Scheduled view.
import { type FormEvent, useId, useRef, useState } from 'react';
import { ModalDialog } from '../components/ModalDialog.tsx';
import {
  checkScheduleTime,
  inOneHour,
  localTimeZone,
  SCHEDULE_MAX_AHEAD_MS,
  toLocalInputValue,
} from './schedule-time.ts';

interface ScheduleTimeDialogProps {
  title: string;
  submitLabel: string;
  /** The time the field starts at; an hour from now without it. */
  initial?: Date;
  now?: () => Date;
  onSubmit(dueAt: Date): Promise<void>;
  onClose(): void;
}

export function ScheduleTimeDialog({
  title,
  submitLabel,
  initial,
  now = () => new Date(),
  onSubmit,
  onClose,
}: ScheduleTimeDialogProps) {
  const [opened] = useState(now);
  const [value, setValue] = useState(() => toLocalInputValue(initial ?? inOneHour(opened)));
  const [error, setError] = useState<string | null>(null);
  const [isSaving, setSaving] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const errorId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // React carries events up through the portal: the composer's own form must not send.
    event.stopPropagation();
    const check = checkScheduleTime(value, now());
    if (!check.isValid) {
      setError(check.reason);
      field.current?.focus();
      return;
    }
    setSaving(true);
    try {
      await onSubmit(check.dueAt);
      onClose();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'It could not be scheduled.');
      setSaving(false);
    }
  };

  return (
    <ModalDialog title={title} onClose={onClose} initialFocus={field}>
      <form className="schedule-form" onSubmit={(event) => void submit(event)} noValidate>
        <label className="field">
          <span>Send at</span>
          <input
            ref={field}
            type="datetime-local"
            value={value}
            min={toLocalInputValue(opened)}
            max={toLocalInputValue(new Date(opened.getTime() + SCHEDULE_MAX_AHEAD_MS))}
            aria-invalid={error !== null}
            aria-describedby={error ? `${hintId} ${errorId}` : hintId}
            onChange={(event) => {
              setValue(event.target.value);
              setError(null);
            }}
          />
        </label>
        <p id={hintId} className="muted schedule-hint">
          Your time zone: {localTimeZone()}. At most a year ahead.
        </p>
        {error && (
          <p id={errorId} className="failure-text" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={isSaving}>
            {submitLabel}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
