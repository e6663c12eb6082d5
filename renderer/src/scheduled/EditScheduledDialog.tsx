// Changing the words of a message written for later, in a dialog: what is saved is the
// text as the server will store it, and a blank or too long one is not taken.
import { type FormEvent, useId, useRef, useState } from 'react';
import { cleanTypedText } from '../../sync/typed-text.ts';
import { MESSAGE_MAX } from '../chat/long-text.ts';
import { ModalDialog } from '../components/ModalDialog.tsx';

interface EditScheduledDialogProps {
  content: string;
  onSave(content: string): Promise<void>;
  onClose(): void;
}

/** Why the text cannot be saved, or null. */
export function scheduledTextProblem(text: string): string | null {
  const prepared = cleanTypedText(text, true);
  if (prepared === '') return 'Write something to send.';
  if (prepared.length > MESSAGE_MAX) {
    return `This is longer than one message allows (${prepared.length.toLocaleString()} of ${MESSAGE_MAX.toLocaleString()} characters).`;
  }
  return null;
}

export function EditScheduledDialog({ content, onSave, onClose }: EditScheduledDialogProps) {
  const [text, setText] = useState(content);
  const [error, setError] = useState<string | null>(null);
  const [isSaving, setSaving] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const errorId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // React carries events up through the portal: the composer's own form must not send.
    event.stopPropagation();
    const problem = scheduledTextProblem(text);
    if (problem) {
      setError(problem);
      area.current?.focus();
      return;
    }
    setSaving(true);
    try {
      if (cleanTypedText(text, true) !== content) await onSave(text);
      onClose();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'The change could not be saved.');
      setSaving(false);
    }
  };

  return (
    <ModalDialog title="Edit scheduled message" onClose={onClose} initialFocus={area}>
      <form className="schedule-form" onSubmit={(event) => void submit(event)} noValidate>
        <label className="field">
          <span>Message</span>
          <textarea
            ref={area}
            rows={4}
            dir="auto"
            value={text}
            aria-invalid={error !== null}
            aria-describedby={error ? errorId : undefined}
            onChange={(event) => {
              setText(event.target.value);
              setError(null);
            }}
          />
        </label>
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
            Save
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
