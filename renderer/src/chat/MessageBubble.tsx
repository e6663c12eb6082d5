// One message in the log: the bubble (an image or file above its caption, if it has
// one), its time, "edited", the status of one's own messages, and what can be done with
// it (a menu to copy, edit or delete; retry or discard when failed). It is an article
// named after its sender, time and text.
import { memo, useEffect, useRef, useState } from 'react';
import type { LocalStatus } from '../../../shared/sync/status.ts';
import type { LocalMessage, LocalReply } from '../../sync/db.ts';
import { UPLOAD_CANCELLED } from '../../sync/local-writes.ts';
import { RetryIcon, TrashIcon } from '../components/icons.tsx';
import { UserText } from '../components/UserText.tsx';
import { lateScheduleLabel } from '../scheduled/schedule-time.ts';
import { formatClock } from '../time/format-time.ts';
import { isShownAsImage, MessageAttachment } from './attachments/MessageAttachment.tsx';
import { type MenuItem, MessageMenu } from './MessageMenu.tsx';
import { MessageStatus } from './MessageStatus.tsx';
import { MessageText } from './MessageText.tsx';
import { messageLabel, messageMenuLabel } from './message-label.ts';
import { ReplyQuote } from './ReplyQuote.tsx';
import { ReactionBar } from './reactions/ReactionBar.tsx';
import { ReactionPicker } from './reactions/ReactionPicker.tsx';

export interface MessageActions {
  onEdit(message: LocalMessage): void;
  onDelete(message: LocalMessage): void;
  onRetry(message: LocalMessage): void;
  onDiscard(message: LocalMessage): void;
  /** Stops a pending file's upload (the message fails, and can be retried). */
  onCancelUpload(message: LocalMessage): void;
  /** Starts a reply to this message in the composer. */
  onReply(message: LocalMessage): void;
  /** Takes the log to the message a reply quotes. */
  onOpenReply(reply: LocalReply): void;
  /** Puts the user's reaction with `emoji` on the message, or takes it back. */
  onToggleReaction(message: LocalMessage, emoji: string): void;
  /** Opens who of a group has read one's own message. */
  onShowReceipts(message: LocalMessage): void;
  onCopy(message: LocalMessage): void;
  onOpenLink(href: string): void;
}

/** Whether one's own message can still be edited: a text's words, or an image's or
 * file's caption (its bytes never change). */
export function isChangeable(message: LocalMessage): boolean {
  return !message.isDeleted && message.messageType !== 'system';
}

/** Whether one's own message can still be deleted (for everyone). */
export function isDeletable(message: LocalMessage): boolean {
  return !message.isDeleted && message.messageType !== 'system';
}

/** The attachment a message shows, if it is an image or a file and not deleted. */
function shownAttachment(message: LocalMessage) {
  if (message.isDeleted || !message.attachment) return null;
  return message.messageType === 'image' || message.messageType === 'file'
    ? message.attachment
    : null;
}

/** What a screen reader hears of the message's body: the attachment, then its caption. */
function spokenText(message: LocalMessage): string {
  const attachment = shownAttachment(message);
  if (!attachment) return message.content;
  const what = isShownAsImage(message, attachment)
    ? `Image ${attachment.fileName}`
    : `File ${attachment.fileName}`;
  return message.content ? `${what}: ${message.content}` : what;
}

export function failureText(message: LocalMessage): string {
  const code = message.failure?.code;
  if (code === 'NOT_FOUND' || code === 'CONVERSATION_REJECTED')
    return 'Not sent: this conversation could not be created.';
  if (code === 'FORBIDDEN') return 'Not sent: you cannot write in this conversation.';
  if (code === 'VALIDATION_FAILED')
    return `Not sent: ${message.failure?.reason ?? 'the server refused this message.'}`;
  if (code === 'MESSAGE_DELETED') return 'Not changed: the message was deleted.';
  if (code === UPLOAD_CANCELLED) return 'Not sent: upload cancelled.';
  return `Not sent${message.failure?.reason ? `: ${message.failure.reason}` : '.'}`;
}

interface BubbleProps {
  message: LocalMessage;
  /** "You" for one's own messages, else the sender's name. */
  senderName: string;
  /** What its status shows: the stored one, or as far as the watermarks say. */
  status: LocalStatus;
  isOwn: boolean;
  isFirstInGroup: boolean;
  isLastInGroup: boolean;
  isTarget: boolean;
  actions: MessageActions;
  /** The quote as shown: the original's row here when the log has it, newer than the
   * reply's copy; and who wrote it. */
  quote?: { reply: LocalReply; senderName: string } | null;
  /** Who is who in the reactions: the user, and the names of the others. */
  people?: { myUserId: number; nameOf(userId: number): string };
  /** Shows the sender's name above the bubble (someone else's first message of a run in
   * a group). */
  isSenderShown?: boolean;
  /** "Read by 2 of 4" for one's own message in a group: a menu item opening who. */
  readBy?: string | null;
  /** The user can no longer write here (they left the group): nothing to reply, react,
   * edit or delete. */
  isReadOnly?: boolean;
}

const NOBODY = { myUserId: 0, nameOf: () => 'Someone' };

function BubbleImpl({
  message,
  quote,
  people = NOBODY,
  senderName,
  status,
  isOwn,
  isFirstInGroup,
  isLastInGroup,
  isTarget,
  actions,
  isSenderShown = false,
  readBy = null,
  isReadOnly = false,
}: BubbleProps) {
  const [isConfirmingDelete, setConfirmingDelete] = useState(false);
  const [isPickingReaction, setPickingReaction] = useState(false);
  const cancelDelete = useRef<HTMLButtonElement>(null);
  const isFailed = message.status === 'failed';
  const canEdit = isOwn && !isReadOnly && isChangeable(message);
  const canDelete = isOwn && !isReadOnly && isDeletable(message);
  const attachment = shownAttachment(message);
  const bubbleClass = !attachment
    ? 'bubble'
    : `bubble has-attachment${isShownAsImage(message, attachment) ? ' has-image' : ''}`;
  const time = formatClock(message.createdAt);
  // Sent by the server later than it was due (it was down at the time): say when it was.
  const lateLabel = message.isDeleted ? null : lateScheduleLabel(message);

  // The menu that asked is gone: focus moves to the question, on its safe answer.
  useEffect(() => {
    if (isConfirmingDelete) cancelDelete.current?.focus();
  }, [isConfirmingDelete]);
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

  const menuItems: MenuItem[] = [
    ...(message.isDeleted || isReadOnly || (message.serverId === null && !isOwn)
      ? []
      : [{ label: 'Reply', onSelect: () => actions.onReply(message) }]),
    ...(message.isDeleted || isReadOnly || message.serverId === null
      ? []
      : [{ label: 'React', onSelect: () => setPickingReaction(true) }]),
    ...(message.isDeleted || message.content === ''
      ? []
      : [{ label: 'Copy text', onSelect: () => actions.onCopy(message) }]),
    ...(readBy && !message.isDeleted
      ? [{ label: readBy, onSelect: () => actions.onShowReceipts(message) }]
      : []),
    ...(canEdit
      ? [
          {
            label: message.attachment ? 'Edit caption' : 'Edit',
            onSelect: () => actions.onEdit(message),
          },
        ]
      : []),
    ...(canDelete
      ? [{ label: 'Delete', onSelect: () => setConfirmingDelete(true), isDanger: true }]
      : []),
  ];

  return (
    <article
      className={classes}
      data-message-id={message.clientMsgId}
      aria-label={messageLabel({
        senderName,
        time,
        text: spokenText(message),
        isDeleted: message.isDeleted,
        isEdited: message.isEdited,
      })}
    >
      {isSenderShown && (
        // The article's name already says who wrote it.
        <div className="sender-name" aria-hidden="true">
          <UserText text={senderName} />
        </div>
      )}
      <div className="bubble-line">
        <div className={bubbleClass}>
          {quote && !message.isDeleted && (
            <ReplyQuote
              reply={quote.reply}
              senderName={quote.senderName}
              onOpen={() => actions.onOpenReply(quote.reply)}
            />
          )}
          {message.isDeleted ? (
            <span className="deleted-text">message deleted</span>
          ) : attachment ? (
            <>
              <MessageAttachment
                message={message}
                attachment={attachment}
                onCancelUpload={() => actions.onCancelUpload(message)}
              />
              {message.content && (
                <div className="attachment-caption">
                  <MessageText text={message.content} onOpenLink={actions.onOpenLink} />
                </div>
              )}
            </>
          ) : (
            <MessageText text={message.content} onOpenLink={actions.onOpenLink} />
          )}
          <span className="message-meta">
            {lateLabel && <span className="scheduled-for">{lateLabel}</span>}
            {message.isEdited && !message.isDeleted && <span className="edited">edited</span>}
            <time dateTime={message.createdAt}>{time}</time>
            {isOwn && <MessageStatus status={status} />}
          </span>
        </div>
        {menuItems.length > 0 && !isConfirmingDelete && (
          <MessageMenu label={messageMenuLabel(senderName, time)} items={menuItems} />
        )}
        {isPickingReaction && (
          <ReactionPicker
            onPick={(emoji) => actions.onToggleReaction(message, emoji)}
            onClose={() => setPickingReaction(false)}
          />
        )}
      </div>
      {!message.isDeleted && message.reactions && (
        <ReactionBar
          reactions={message.reactions}
          myUserId={people.myUserId}
          nameOf={people.nameOf}
          onToggle={(emoji) => actions.onToggleReaction(message, emoji)}
          isDisabled={isReadOnly}
        />
      )}
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
            ref={cancelDelete}
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
    </article>
  );
}

export const MessageBubble = memo(BubbleImpl);
