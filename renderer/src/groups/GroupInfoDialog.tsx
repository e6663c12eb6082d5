// A group's info, opened from the chat header: its name, its members and their roles; an
// admin can rename it, add and remove members; any member can leave. Every change shows at
// once and is queued for the server; when the server refused the last one, it says why.
import { useState } from 'react';
import type { GroupChange } from '../../../shared/groups.ts';
import type { LocalGroup } from '../../sync/db.ts';
import { isGroupAdmin } from '../../sync/groups.ts';
import { useApp } from '../app/app-context.tsx';
import { ModalDialog } from '../components/ModalDialog.tsx';
import { UserText } from '../components/UserText.tsx';
import { AddMembersForm } from './AddMembersForm.tsx';
import { GroupAvatar } from './GroupAvatar.tsx';
import { GroupMemberList } from './GroupMemberList.tsx';
import { LeaveGroupButton } from './LeaveGroupButton.tsx';
import { NO_LONGER_MEMBER } from './LeftGroupNotice.tsx';
import { RenameGroupForm } from './RenameGroupForm.tsx';
import { memberCountText } from './roster.ts';

interface GroupInfoDialogProps {
  convKey: string;
  /** The group's server id, once it has one (its avatar's colour follows it). */
  serverId: number | null;
  group: LocalGroup;
  onClose(): void;
}

function reasonOf(failure: unknown): string {
  return failure instanceof Error ? failure.message : 'the change could not be made';
}

export function GroupInfoDialog({ convKey, serverId, group, onClose }: GroupInfoDialogProps) {
  const { engine, user } = useApp();
  const [error, setError] = useState<string | null>(null);
  const isAdmin = isGroupAdmin({ group }, user.userId);
  const isMember = group.leftUpTo === null;
  const change = (groupChange: GroupChange) => {
    setError(null);
    return engine.changeGroup(convKey, groupChange);
  };
  const changeOrSay = (groupChange: GroupChange) =>
    change(groupChange).then(
      () => true,
      (failure: unknown) => {
        setError(`Not changed: ${reasonOf(failure)}.`);
        return false;
      },
    );

  return (
    <ModalDialog title="Group info" onClose={onClose} className="group-dialog">
      <div className="group-summary">
        <GroupAvatar conversation={{ key: convKey, serverId }} size={56} />
        <div className="group-summary-text">
          <h3 className="group-title">
            <UserText text={group.title} />
          </h3>
          <p className="muted small">{memberCountText(group.members.length)}</p>
        </div>
      </div>
      {group.changeFailure && (
        <p className="form-error" role="alert">
          Your last change to this group was not made: {group.changeFailure.reason}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {!isMember && <p className="settings-note">{NO_LONGER_MEMBER}</p>}
      {isAdmin && (
        <div className="group-admin-actions">
          <RenameGroupForm
            title={group.title}
            onRename={(title) => change({ type: 'rename', title })}
          />
          <AddMembersForm
            group={group}
            onAdd={(people) => change({ type: 'add', userIds: people.map((p) => p.userId) })}
          />
        </div>
      )}
      <h3 className="section-title">Members</h3>
      <GroupMemberList
        group={group}
        myUserId={user.userId}
        onRemove={
          isAdmin
            ? (member) => void changeOrSay({ type: 'remove', userId: member.userId })
            : undefined
        }
      />
      {isMember && (
        <div className="group-leave">
          <LeaveGroupButton
            onLeave={() =>
              void changeOrSay({ type: 'leave' }).then((isDone) => isDone && onClose())
            }
          />
        </div>
      )}
    </ModalDialog>
  );
}
