// A group's members in its info: each with their role ("Admin"), "You" for this user, and
// for an admin a way to remove someone, asked once more before it happens.
import { useEffect, useRef, useState } from 'react';
import type { GroupMember, LocalGroup } from '../../sync/db.ts';
import { Avatar } from '../components/Avatar.tsx';
import { UserText } from '../components/UserText.tsx';
import { rosterOrder, YOU } from './roster.ts';

interface GroupMemberListProps {
  group: LocalGroup;
  myUserId: number;
  /** Set for an admin: removing members is offered. */
  onRemove?: (member: GroupMember) => void;
}

export function GroupMemberList({ group, myUserId, onRemove }: GroupMemberListProps) {
  const [confirming, setConfirming] = useState<number | null>(null);
  return (
    <ul className="group-members" aria-label="Members">
      {rosterOrder(group, myUserId).map((member) => (
        <li key={member.userId} className="group-member">
          <Avatar name={member.displayName} seed={member.userId} size={32} />
          <span className="group-member-name">
            {member.userId === myUserId ? YOU : <UserText text={member.displayName} />}
          </span>
          {member.role === 'admin' && <span className="pill role-badge">Admin</span>}
          {onRemove && member.userId !== myUserId && confirming !== member.userId && (
            <button
              type="button"
              className="button ghost small danger-text"
              aria-label={`Remove ${member.displayName} from the group`}
              onClick={() => setConfirming(member.userId)}
            >
              Remove
            </button>
          )}
          {onRemove && confirming === member.userId && (
            <RemoveConfirm
              name={member.displayName}
              onConfirm={() => {
                setConfirming(null);
                onRemove(member);
              }}
              onCancel={() => setConfirming(null)}
            />
          )}
        </li>
      ))}
    </ul>
  );
}

function RemoveConfirm({
  name,
  onConfirm,
  onCancel,
}: {
  name: string;
  onConfirm(): void;
  onCancel(): void;
}) {
  const cancel = useRef<HTMLButtonElement>(null);
  // The button that asked is gone: focus moves to the question, on its safe answer.
  useEffect(() => cancel.current?.focus(), []);
  return (
    <span className="inline-confirm">
      <span>
        Remove <UserText text={name} />?
      </span>
      <button type="button" className="button danger small" onClick={onConfirm}>
        Yes, remove
      </button>
      <button ref={cancel} type="button" className="button ghost small" onClick={onCancel}>
        Cancel
      </button>
    </span>
  );
}
