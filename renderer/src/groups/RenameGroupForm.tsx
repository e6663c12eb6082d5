// An admin's "Rename group": a button that turns into the name's field, with Save and
// Cancel. The new name shows at once; the server may still refuse it (the group's info
// then says why).
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { GROUP_LIMITS, groupTitleSchema } from '../../../shared/groups.ts';

interface RenameGroupFormProps {
  title: string;
  onRename(title: string): Promise<void>;
}

export function RenameGroupForm({ title, onRename }: RenameGroupFormProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const isEditing = draft !== null;

  useEffect(() => {
    if (isEditing) field.current?.select();
  }, [isEditing]);

  const stop = () => {
    setDraft(null);
    setError(null);
    requestAnimationFrame(() => opener.current?.focus());
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = groupTitleSchema.safeParse(draft ?? '');
    if (!parsed.success) {
      setError(`The name ${parsed.error.issues[0]?.message ?? 'is not allowed'}.`);
      return;
    }
    if (parsed.data === title) {
      stop();
      return;
    }
    try {
      await onRename(parsed.data);
      stop();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'The group could not be renamed.');
    }
  };

  if (!isEditing) {
    return (
      <button
        ref={opener}
        type="button"
        className="button secondary small"
        onClick={() => setDraft(title)}
      >
        Rename group
      </button>
    );
  }
  return (
    <form className="group-rename" onSubmit={(event) => void save(event)} noValidate>
      <label className="field">
        <span>Group name</span>
        <input
          ref={field}
          type="text"
          dir="auto"
          autoComplete="off"
          maxLength={GROUP_LIMITS.titleMaxChars}
          value={draft}
          aria-invalid={error !== null}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            // Escape leaves the field, not the whole dialog.
            if (event.key === 'Escape') {
              event.preventDefault();
              event.stopPropagation();
              stop();
            }
          }}
        />
      </label>
      {error && (
        <p className="failure-text" role="alert">
          {error}
        </p>
      )}
      <div className="inline-confirm">
        <button type="submit" className="button primary small">
          Save
        </button>
        <button type="button" className="button ghost small" onClick={stop}>
          Cancel
        </button>
      </div>
    </form>
  );
}
