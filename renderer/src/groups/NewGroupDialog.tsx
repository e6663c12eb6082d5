// "New group": a name and at least two other people, then Create, which makes the group on
// this device (this user its admin) and opens it. Creating works offline; finding people
// needs the server.
import { type FormEvent, type RefObject, useId, useMemo, useRef, useState } from 'react';
import { GROUP_LIMITS, groupTitleSchema } from '../../../shared/groups.ts';
import type { PublicUser } from '../../../shared/model.ts';
import { useApp } from '../app/app-context.tsx';
import { ModalDialog } from '../components/ModalDialog.tsx';
import { useNavigate } from '../routing/router.tsx';
import { chatPath, conversationPath } from '../routing/routes.ts';
import { PeoplePicker } from './PeoplePicker.tsx';

const MIN_OTHERS = GROUP_LIMITS.minMembers - 1;
const MAX_OTHERS = GROUP_LIMITS.maxMembers - 1;

/** What still stands between the form and Create, in words; null when nothing does. */
function missingText(hasTitle: boolean, others: number): string | null {
  const needed = MIN_OTHERS - others;
  const wanted = needed > 0 ? `${needed} more ${needed === 1 ? 'person' : 'people'}` : '';
  if (!hasTitle && wanted) return `Add a group name and ${wanted}.`;
  if (!hasTitle) return 'Add a group name.';
  return wanted ? `Add ${wanted}.` : null;
}

export function NewGroupDialog({
  onClose,
  returnFocus,
}: {
  onClose(): void;
  /** Where focus goes back to: the popover that opened this is gone by then. */
  returnFocus: RefObject<HTMLElement | null>;
}) {
  const { engine, db, user } = useApp();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [chosen, setChosen] = useState<PublicUser[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [isCreating, setCreating] = useState(false);
  const titleInput = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const excluded = useMemo(() => new Set([user.userId]), [user.userId]);

  const parsedTitle = groupTitleSchema.safeParse(title);
  const titleProblem =
    title.trim() !== '' && !parsedTitle.success
      ? `The name ${parsedTitle.error.issues[0]?.message ?? 'is not allowed'}.`
      : null;
  const missing = missingText(title.trim() !== '', chosen.length);
  const canCreate = parsedTitle.success && missing === null && !isCreating;

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (!parsedTitle.success || !canCreate) return;
    setCreating(true);
    setError(null);
    try {
      const key = await engine.createGroup({
        title: parsedTitle.data,
        members: chosen,
        conversationType: 'general',
        contextId: null,
        contextTitle: null,
      });
      const conversation = await db.conversations.get(key);
      onClose();
      navigate(
        conversation ? conversationPath(conversation, user.userId) : chatPath(user.userId, key),
      );
    } catch (failure) {
      setCreating(false);
      setError(failure instanceof Error ? failure.message : 'The group could not be created.');
    }
  };

  return (
    <ModalDialog
      title="New group"
      onClose={onClose}
      initialFocus={titleInput}
      returnFocus={returnFocus}
      className="group-dialog"
    >
      <form onSubmit={(event) => void create(event)} noValidate>
        <label className="field">
          <span>Group name</span>
          <input
            ref={titleInput}
            type="text"
            value={title}
            maxLength={GROUP_LIMITS.titleMaxChars}
            dir="auto"
            autoComplete="off"
            aria-invalid={titleProblem !== null}
            onChange={(event) => setTitle(event.target.value)}
          />
        </label>
        {titleProblem && <p className="failure-text">{titleProblem}</p>}
        <fieldset className="group-members-field">
          <legend>Members</legend>
          <PeoplePicker chosen={chosen} onChange={setChosen} excluded={excluded} max={MAX_OTHERS} />
        </fieldset>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <p id={hintId} className="muted small dialog-hint">
            {missing ?? `${chosen.length + 1} members, you included.`}
          </p>
          <button type="button" className="button ghost" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button primary"
            disabled={!canCreate}
            aria-describedby={hintId}
          >
            Create group
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
