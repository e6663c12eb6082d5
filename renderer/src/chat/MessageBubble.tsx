// One message in the log: the bubble, its time, "edited", the status of one's own
// messages, and what can be done with it (edit, delete; retry or discard when failed).
import { memo, useState } from 'react';
import type { LocalStatus } from '../../../shared/sync/status.ts';
import type { LocalMessage } from '../../sync/db.ts';
import { EditIcon, RetryIcon, TrashIcon } from '../components/icons.tsx';
import { UserText } from '../components/UserText.tsx';
import { formatClock } from '../time/format-time.ts';
import { MessageStatus } from './MessageStatus.tsx';

export interface MessageActions {
  onEdit(message: LocalMessage): void;
  onDelete(message: LocalMessage): void;
  onRetry(message: LocalMessage): void;
  onDiscard(message: LocalMessage): void;
}

export function failureText(message: LocalMessage): string {
  const code = message.failure?.code;
  if (code === 'NOT_FOUND' || code === 'CONVERSATION_REJECTED')
    return 'Not sent: this conversation could not be created.';
  if (code === 'FORBIDDEN') return 'Not sent: you cannot write in this conversation.';
  if (code === 'VALIDATION_FAILED')
    return `Not sent: ${message.failure?.reason ?? 'the server refused this message.'}`;
  if (code === 'MESSAGE_DELETED') return 'Not changed: the message was deleted.';
  return `Not sent${message.failure?.reason ? `: ${message.failure.reason}` : '.'}`;
}

interface BubbleProps {
  message: LocalMessage;
  /** What its status shows: the stored one, or as far as the watermarks say. */
  status: LocalStatus;
  isOwn: boolean;
  isFirstInGroup: boolean;
  isLastInGroup: boolean;
  isTarget: boolean;
  actions: MessageActions;
}

function BubbleImpl({
  message,
  status,
  isOwn,
  isFirstInGroup,
  isLastInGroup,
  isTarget,
  actions,
}: BubbleProps) {
  const [isConfirmingDelete, setConfirmingDelete] = useState(false);
  const isFailed = message.status === 'failed';
  const canChange = isOwn && !message.isDeleted && message.messageType === 'text';
  const classes = [
    'message',
    isOwn ? 'is-own' : 'is-theirs',
    isFirstInGroup ? 'group-first' : '',
    isLastInGroup ? 'group-last' : '',
    message.isDeleted ? 'is-deleted' : '',
    isFailed ? 'is-failed' : '',
    message.status === 'pending' ? 'is-pending' : '',
    isTarget ? 'is-target' : '',
  ]
    .filter(Boolean)
    .join(' ');

  if (message.messageType === 'system') {
    return (
      <div className="system-message">
        <UserText text={message.content} />
      </div>
    );
  }

  return (
    <div className={classes} data-message-id={message.clientMsgId}>
      <div className="bubble-line">
        {canChange && !isConfirmingDelete && (
          <div className="message-actions">
            <button
              type="button"
              className="icon-button"
              aria-label="Edit message"
              title="Edit"
              onClick={() => actions.onEdit(message)}
            >
              <EditIcon size={15} />
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label="Delete message"
              title="Delete"
              onClick={() => setConfirmingDelete(true)}
            >
              <TrashIcon size={15} />
            </button>
          </div>
        )}
        <div className="bubble">
          {message.isDeleted ? (
            <span className="deleted-text">message deleted</span>
          ) : (
            <UserText className="message-text" text={message.content} />
          )}
          <span className="message-meta">
            {message.isEdited && !message.isDeleted && <span className="edited">edited</span>}
            <time dateTime={message.createdAt}>{formatClock(message.createdAt)}</time>
            {isOwn && <MessageStatus status={status} />}
          </span>
        </div>
      </div>
      {isConfirmingDelete && (
        <div className="message-confirm">
          <span>Delete for everyone?</span>
          <button
            type="button"
            className="button danger small"
            onClick={() => {
              setConfirmingDelete(false);
              actions.onDelete(message);
            }}
          >
            Delete
          </button>
          <button
            type="button"
            className="button ghost small"
            onClick={() => setConfirmingDelete(false)}
          >
            Cancel
          </button>
        </div>
      )}
      {isOwn && isFailed && (
        <div className="message-failure">
          <span className="failure-text">{failureText(message)}</span>
          <button
            type="button"
            className="button ghost small"
            onClick={() => actions.onRetry(message)}
          >
            <RetryIcon size={13} /> Retry
          </button>
          <button
            type="button"
            className="button ghost small danger-text"
            onClick={() => actions.onDiscard(message)}
          >
            <TrashIcon size={13} /> Discard
          </button>
        </div>
      )}
    </div>
  );
}

export const MessageBubble = memo(BubbleImpl);
