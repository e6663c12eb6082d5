// One message written for later on the Scheduled view: to whom, when, its words, what
// became of it, and what can be done with it — edit the words, reschedule, send now,
// cancel (after a question); dismiss one whose failure was shown.
import { useEffect, useRef, useState } from 'react';
import type { LocalConversation, LocalScheduled } from '../../sync/db.ts';
import { useApp } from '../app/app-context.tsx';
import { UserText } from '../components/UserText.tsx';
import { conversationName } from '../groups/roster.ts';
import { Link } from '../routing/router.tsx';
import { conversationPath } from '../routing/routes.ts';
import { EditScheduledDialog } from './EditScheduledDialog.tsx';
import { ScheduleTimeDialog } from './ScheduleTimeDialog.tsx';
import { formatDueTime } from './schedule-time.ts';
import { isWaiting, scheduledNotice } from './scheduled-notice.ts';

interface ScheduledItemProps {
  row: LocalScheduled;
  conversation: LocalConversation | undefined;
  now: Date;
  /** It is about to leave the list (sent now, cancelled, dismissed): focus goes there. */
  onLeave(): void;
}

export function ScheduledItem({ row, conversation, now, onLeave }: ScheduledItemProps) {
  const { engine, user } = useApp();
  const [dialog, setDialog] = useState<'edit' | 'reschedule' | null>(null);
  const [isConfirmingCancel, setConfirmingCancel] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const notice = scheduledNotice(row);
  const isPending = isWaiting(row);
  // One the server could not send may be tried again at another time; a sent one not.
  const canReschedule = isPending || row.state === 'cancelled';
  const canDismiss = !isPending;
  const id = row.clientMsgId;

  useEffect(() => {
    if (isConfirmingCancel) keep.current?.focus();
  }, [isConfirmingCancel]);

  const act = (work: () => Promise<void>, { isLeaving = false } = {}) => {
    setError(null);
    work().then(
      () => {
        if (isLeaving) onLeave();
      },
      (failure: unknown) =>
        setError(failure instanceof Error ? failure.message : 'That did not work.'),
    );
  };

  return (
    <li
      className={`outbox-item scheduled-item${notice && notice.kind !== 'waiting' ? ' status-failed' : ''}`}
    >
      <div className="outbox-main">
        <div className="outbox-to">
          {conversation ? (
            <Link to={conversationPath(conversation, user.userId)}>
              <UserText text={conversationName(conversation)} />
            </Link>
          ) : (
            <span>Unknown conversation</span>
          )}
          <span className="muted">
            {' · '}
            <time dateTime={row.dueAt}>{formatDueTime(row.dueAt, now)}</time>
          </span>
        </div>
        <p className="outbox-text">
          <UserText text={row.content} />
        </p>
        {notice && (
          <p className={notice.kind === 'waiting' ? 'muted scheduled-note' : 'failure-text'}>
            {notice.text}
          </p>
        )}
        {error && (
          <p className="failure-text" role="alert">
            {error}
          </p>
        )}
        {isConfirmingCancel && (
          <div className="inline-confirm">
            <span>Cancel this message? It will not be sent.</span>
            <button
              type="button"
              className="button danger small"
              onClick={() => {
                setConfirmingCancel(false);
                act(() => engine.cancelScheduled(id), { isLeaving: true });
              }}
            >
              Cancel message
            </button>
            <button
              ref={keep}
              type="button"
              className="button ghost small"
              onClick={() => setConfirmingCancel(false)}
            >
              Keep it
            </button>
          </div>
        )}
      </div>
      {!isConfirmingCancel && (
        <div className="outbox-side">
          {isPending && (
            <button type="button" className="button ghost small" onClick={() => setDialog('edit')}>
              Edit
            </button>
          )}
          {canReschedule && (
            <button
              type="button"
              className="button ghost small"
              onClick={() => setDialog('reschedule')}
            >
              Reschedule
            </button>
          )}
          {isPending && (
            <button
              type="button"
              className="button ghost small"
              onClick={() => act(() => engine.sendScheduledNow(id), { isLeaving: true })}
            >
              Send now
            </button>
          )}
          {isPending && (
            <button
              type="button"
              className="button ghost small danger-text"
              onClick={() => setConfirmingCancel(true)}
            >
              Cancel
            </button>
          )}
          {canDismiss && (
            <button
              type="button"
              className="button ghost small"
              onClick={() => act(() => engine.dismissScheduled(id), { isLeaving: true })}
            >
              Dismiss
            </button>
          )}
        </div>
      )}
      {dialog === 'edit' && (
        <EditScheduledDialog
          content={row.content}
          onSave={(content) => engine.changeScheduled(id, { content })}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'reschedule' && (
        <ScheduleTimeDialog
          title="Reschedule message"
          submitLabel="Reschedule"
          initial={Date.parse(row.dueAt) > now.getTime() ? new Date(row.dueAt) : undefined}
          onSubmit={(dueAt) => engine.changeScheduled(id, { dueAt })}
          onClose={() => setDialog(null)}
        />
      )}
    </li>
  );
}
