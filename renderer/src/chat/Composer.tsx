// The composer: Enter sends, Shift+Enter starts a new line; the draft of each conversation
// is kept in Dexie while typing; text over the message limit is counted and can be sent
// as several messages. Also edits one's own message in place. What it sends and counts is
// the text as the server will store it: invisible control characters dropped, NFC, trimmed.
// Files come in through the paperclip, a paste or a drop on the chat (`ComposerHandle`);
// one file attached with text typed takes the text as its caption, as in WhatsApp. Beside
// Send, "Send later" schedules the text instead (`onSchedule`).
import {
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
  type Ref,
  useEffect,
  useId,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { ChatDatabase, LocalMessage } from '../../sync/db.ts';
import { cleanTypedText } from '../../sync/typed-text.ts';
import { CloseIcon, EditIcon, PaperclipIcon, ReplyIcon, SendIcon } from '../components/icons.tsx';
import { UserText } from '../components/UserText.tsx';
import { SendLaterMenu } from '../scheduled/SendLaterMenu.tsx';
import { formatDueTime } from '../scheduled/schedule-time.ts';
import type { Refusal } from './attachments/prepare-attachment.ts';
import { pastedFiles } from './attachments/transfer-files.ts';
import { createDraftWriter, loadDraft } from './drafts.ts';
import { COUNTER_FROM, MESSAGE_MAX, splitLongText } from './long-text.ts';

export interface ComposerHandle {
  /** Attaches files as the paperclip does: for a drop on the chat. */
  attach(files: File[]): void;
}

interface ComposerProps {
  ref?: Ref<ComposerHandle>;
  db: ChatDatabase;
  convKey: string;
  editing: LocalMessage | null;
  onSend(text: string): Promise<void>;
  onSaveEdit(message: LocalMessage, text: string): Promise<void>;
  onCancelEdit(): void;
  /** The message the next send answers, as its quote shows it. */
  replyingTo?: { senderName: string; text: string } | null;
  onCancelReply?(): void;
  /** Up-arrow in an empty composer: edit one's last message, as Slack and Signal do. */
  onEditLast?(): void;
  onTyping?(isTyping: boolean): void;
  /** Sends files, each as its own message, the caption with the first one sent
   * (`sendFiles`); resolves with those not sent and why. No paperclip without it. */
  onAttach?(files: File[], caption: string): Promise<Refusal[]>;
  /** Schedules the text to be sent at `dueAt`. No "Send later" without it. */
  onSchedule?(text: string, dueAt: Date): Promise<void>;
  disabledReason?: string | null;
}

/** A refusal on screen, with a key of its own: the same file can be refused twice. */
type ShownRefusal = Refusal & { id: number };

const MAX_HEIGHT_PX = 220;

/** What the next send will be (an edit, a reply), above the box, with a way out. */
function ModeBanner({
  icon,
  cancelLabel,
  onCancel,
  children,
}: {
  icon: ReactNode;
  cancelLabel: string;
  onCancel(): void;
  children: ReactNode;
}) {
  return (
    <div className="composer-banner">
      {icon}
      {children}
      <button type="button" className="icon-button" aria-label={cancelLabel} onClick={onCancel}>
        <CloseIcon size={14} />
      </button>
    </div>
  );
}

export function Composer({
  ref,
  db,
  convKey,
  editing,
  onSend,
  onSaveEdit,
  onCancelEdit,
  replyingTo = null,
  onCancelReply,
  onEditLast,
  onTyping,
  onAttach,
  onSchedule,
  disabledReason,
}: ComposerProps) {
  const [text, setText] = useState('');
  const [isLoaded, setLoaded] = useState(false);
  const [isSending, setSending] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  const [scheduledNote, setScheduledNote] = useState<string | null>(null);
  const [refusals, setRefusals] = useState<ShownRefusal[]>([]);
  const refusalCount = useRef(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const draftBeforeEdit = useRef<string | null>(null);
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const writer = useMemo(() => createDraftWriter(db, convKey), [db, convKey]);
  const counterId = useId();

  useEffect(() => {
    let isCurrent = true;
    setLoaded(false);
    loadDraft(db, convKey)
      .catch(() => '')
      .then((draft) => {
        if (!isCurrent) return;
        // What was typed while the draft loaded is newer than the draft.
        setText((typed) => typed || draft);
        setLoaded(true);
      });
    return () => {
      isCurrent = false;
    };
  }, [db, convKey]);

  // Opening a conversation is for writing in it.
  useEffect(() => {
    areaRef.current?.focus();
  }, []);

  // Choosing "Reply" is for writing the answer.
  useEffect(() => {
    if (replyingTo) areaRef.current?.focus();
  }, [replyingTo]);

  // Entering edit mode swaps the draft out for the message's text, and back afterwards.
  useEffect(() => {
    if (editing) {
      draftBeforeEdit.current ??= areaRef.current?.value ?? '';
      setText(editing.content);
      areaRef.current?.focus();
    } else if (draftBeforeEdit.current !== null) {
      setText(draftBeforeEdit.current);
      draftBeforeEdit.current = null;
    }
  }, [editing]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the height follows the text
  useLayoutEffect(() => {
    const area = areaRef.current;
    if (!area) return;
    area.style.height = 'auto';
    area.style.height = `${Math.min(MAX_HEIGHT_PX, area.scrollHeight)}px`;
  }, [text]);

  const change = (value: string) => {
    setText(value);
    setSendError(null);
    setScheduledNote(null);
    if (!editing) {
      writer.update(value);
      onTyping?.(value.length > 0);
    }
  };

  const prepared = useMemo(() => cleanTypedText(text, true), [text]);
  const length = prepared.length;
  const isTooLong = length > MESSAGE_MAX;
  const isBlank = prepared === '';
  // An image's or file's caption may be emptied; a text message needs words.
  const isBlankRefused = isBlank && !editing?.attachment;
  const parts = isTooLong && !editing ? splitLongText(prepared) : null;

  const send = async (pieces: string[]) => {
    if (isSending) return;
    setSending(true);
    setSendError(null);
    let sent = 0;
    try {
      if (editing) {
        await onSaveEdit(editing, pieces[0] ?? '');
      } else {
        setText('');
        onTyping?.(false);
        await writer.clear();
        for (const piece of pieces) {
          await onSend(piece);
          sent += 1;
        }
      }
    } catch (error) {
      setSendError(
        `Not sent: ${error instanceof Error ? error.message : 'it could not be saved'}.`,
      );
      // Nothing typed is lost: what was not sent goes back into the box, unless the user
      // has started typing something else meanwhile.
      if (!editing && !areaRef.current?.value) {
        const unsent = pieces.slice(sent).join('\n\n');
        setText(unsent);
        writer.update(unsent);
      }
    } finally {
      setSending(false);
      areaRef.current?.focus();
    }
  };

  const schedule = async (dueAt: Date) => {
    if (!onSchedule || isSending || editing || isBlankRefused || isTooLong) return;
    const scheduled = prepared;
    setSending(true);
    setSendError(null);
    setScheduledNote(null);
    try {
      setText('');
      onTyping?.(false);
      await writer.clear();
      await onSchedule(scheduled, dueAt);
      setScheduledNote(`Scheduled for ${formatDueTime(dueAt.toISOString(), new Date())}.`);
    } catch (error) {
      setSendError(
        `Not scheduled: ${error instanceof Error ? error.message : 'it could not be saved'}.`,
      );
      if (!areaRef.current?.value) {
        setText(scheduled);
        writer.update(scheduled);
      }
    } finally {
      setSending(false);
      areaRef.current?.focus();
    }
  };

  const attach = async (files: File[]) => {
    if (!onAttach || files.length === 0 || disabledReason) return;
    setRefusals([]);
    setSendError(null);
    const caption = !editing && files.length === 1 && !isBlank && !isTooLong ? prepared : '';
    let isSent = false;
    try {
      if (caption) {
        setText('');
        onTyping?.(false);
        // Not waited for: the files go at once, and the draft's writes keep their order.
        void writer.clear();
      }
      const notSent = await onAttach(files, caption);
      isSent = notSent.length < files.length;
      setRefusals(notSent.map((refusal) => ({ ...refusal, id: ++refusalCount.current })));
    } catch (error) {
      setSendError(
        `Not sent: ${error instanceof Error ? error.message : 'the files could not be saved'}.`,
      );
    } finally {
      // A caption whose file was not sent goes back into the box, as unsent text does.
      if (caption && !isSent && !areaRef.current?.value) {
        setText(caption);
        writer.update(caption);
      }
      areaRef.current?.focus();
    }
  };

  useImperativeHandle(ref, () => ({ attach: (files) => void attach(files) }));

  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    if (!onAttach || editing) return;
    const files = pastedFiles(event.clipboardData);
    if (files.length === 0) return;
    event.preventDefault();
    void attach(files);
  };

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (isBlankRefused || isTooLong || disabledReason) return;
    void send([prepared]);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
    if (event.key === 'ArrowUp' && !editing && text === '' && onEditLast) {
      event.preventDefault();
      onEditLast();
    }
    if (event.key === 'Escape' && editing) {
      event.preventDefault();
      event.stopPropagation();
      onCancelEdit();
    } else if (event.key === 'Escape' && replyingTo && onCancelReply) {
      event.preventDefault();
      event.stopPropagation();
      onCancelReply();
    }
  };

  return (
    <form className={`composer${editing ? ' is-editing' : ''}`} onSubmit={submit}>
      {editing && (
        <ModeBanner
          icon={<EditIcon size={14} />}
          cancelLabel="Cancel editing"
          onCancel={onCancelEdit}
        >
          <span>{editing.attachment ? 'Editing caption' : 'Editing message'}</span>
        </ModeBanner>
      )}
      {replyingTo && !editing && onCancelReply && (
        <ModeBanner
          icon={<ReplyIcon size={14} />}
          cancelLabel="Cancel reply"
          onCancel={onCancelReply}
        >
          <span className="reply-banner-text">
            Replying to <UserText text={replyingTo.senderName} />:{' '}
            <span className="muted">
              <UserText text={replyingTo.text} />
            </span>
          </span>
        </ModeBanner>
      )}
      {parts && (
        <div className="composer-banner is-warning" role="alert">
          <span>
            This is longer than one message allows ({length.toLocaleString()} of{' '}
            {MESSAGE_MAX.toLocaleString()} characters).
          </span>
          <button type="button" className="button secondary small" onClick={() => void send(parts)}>
            Send as {parts.length} messages
          </button>
        </div>
      )}
      {disabledReason && <div className="composer-banner is-warning">{disabledReason}</div>}
      {sendError && (
        <div className="composer-banner is-warning" role="alert">
          {sendError}
        </div>
      )}
      {/* Always there, so the note is announced when it comes; shown below for the eye. */}
      <p className="visually-hidden" aria-live="polite">
        {scheduledNote}
      </p>
      {scheduledNote && (
        <p className="composer-banner" aria-hidden="true">
          {scheduledNote}
        </p>
      )}
      {refusals.length > 0 && (
        <div className="composer-banner is-warning" role="alert">
          <ul className="refusal-list">
            {refusals.map((refusal) => (
              <li key={refusal.id}>
                “<UserText text={refusal.fileName} />” was not sent: {refusal.reason}.
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss"
            onClick={() => setRefusals([])}
          >
            <CloseIcon size={14} />
          </button>
        </div>
      )}
      <div className={`composer-row${onAttach ? ' has-attach' : ''}`}>
        {onAttach && (
          <>
            <button
              type="button"
              className="attach-button"
              aria-label="Attach files"
              title="Attach files"
              disabled={Boolean(editing) || Boolean(disabledReason)}
              onClick={() => fileInput.current?.click()}
            >
              <PaperclipIcon size={20} />
            </button>
            <input
              ref={fileInput}
              type="file"
              multiple
              hidden
              tabIndex={-1}
              onChange={(event) => {
                const files = Array.from(event.target.files ?? []);
                // Emptied, so that choosing the same file again is a change too.
                event.target.value = '';
                void attach(files);
              }}
            />
          </>
        )}
        <textarea
          ref={areaRef}
          aria-label="Message"
          aria-describedby={length >= COUNTER_FROM ? counterId : undefined}
          placeholder={isLoaded ? 'Write a message' : ''}
          rows={1}
          dir="auto"
          value={text}
          onChange={(e) => change(e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          disabled={Boolean(disabledReason)}
        />
        {length >= COUNTER_FROM && (
          <span
            id={counterId}
            className={`char-counter${isTooLong ? ' is-over' : ''}`}
            aria-live="polite"
          >
            {length.toLocaleString()} / {MESSAGE_MAX.toLocaleString()}
          </span>
        )}
        {onSchedule && !editing && (
          <SendLaterMenu
            isDisabled={isBlankRefused || isTooLong || isSending || Boolean(disabledReason)}
            onSchedule={schedule}
          />
        )}
        <button
          type="submit"
          className="send-button"
          aria-label={editing ? 'Save' : 'Send'}
          title={editing ? 'Save (Enter)' : 'Send (Enter)'}
          disabled={isBlankRefused || isTooLong || isSending || Boolean(disabledReason)}
        >
          <SendIcon size={18} />
        </button>
      </div>
    </form>
  );
}
