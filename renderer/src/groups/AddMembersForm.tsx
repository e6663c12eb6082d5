// An admin's "Add members": the people search, with the group's members left out and its
// size limit kept, then Add.
import { useEffect, useMemo, useRef, useState } from 'react';
import { GROUP_LIMITS } from '../../../shared/groups.ts';
import type { PublicUser } from '../../../shared/model.ts';
import type { LocalGroup } from '../../sync/db.ts';
import { PeoplePicker, type PeoplePickerHandle } from './PeoplePicker.tsx';

interface AddMembersFormProps {
  group: LocalGroup;
  onAdd(people: PublicUser[]): Promise<void>;
}

export function AddMembersForm({ group, onAdd }: AddMembersFormProps) {
  const [isOpen, setOpen] = useState(false);
  const [chosen, setChosen] = useState<PublicUser[]>([]);
  const [error, setError] = useState<string | null>(null);
  const picker = useRef<PeoplePickerHandle>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const members = useMemo(() => new Set(group.members.map((m) => m.userId)), [group.members]);
  const room = GROUP_LIMITS.maxMembers - group.members.length;

  useEffect(() => {
    if (isOpen) picker.current?.focus();
  }, [isOpen]);

  const stop = () => {
    setOpen(false);
    setChosen([]);
    setError(null);
    requestAnimationFrame(() => opener.current?.focus());
  };

  const add = async () => {
    try {
      await onAdd(chosen);
      stop();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'They could not be added.');
    }
  };

  if (!isOpen) {
    return (
      <button
        ref={opener}
        type="button"
        className="button secondary small"
        disabled={room <= 0}
        onClick={() => setOpen(true)}
      >
        Add members
      </button>
    );
  }
  return (
    <section className="group-add" aria-label="Add members">
      <PeoplePicker
        ref={picker}
        chosen={chosen}
        onChange={setChosen}
        excluded={members}
        max={room}
      />
      {error && (
        <p className="failure-text" role="alert">
          {error}
        </p>
      )}
      <div className="inline-confirm">
        <button
          type="button"
          className="button primary small"
          disabled={chosen.length === 0}
          onClick={() => void add()}
        >
          Add to group
        </button>
        <button type="button" className="button ghost small" onClick={stop}>
          Cancel
        </button>
      </div>
    </section>
  );
}
