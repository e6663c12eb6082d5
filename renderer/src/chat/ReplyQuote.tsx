// The quote above a reply: who wrote the original and its first line, or that it was
// deleted. A button: it takes the log to the original.
import type { LocalReply } from '../../sync/db.ts';
import { UserText } from '../components/UserText.tsx';

/** What a quote says of its original, in words. */
export function quoteText(
  reply: Pick<LocalReply, 'isDeleted' | 'preview' | 'messageType' | 'fileName'>,
): string {
  if (reply.isDeleted) return 'Original message deleted';
  if (reply.preview) return reply.preview;
  if (reply.messageType === 'image') return 'Photo';
  return reply.fileName ?? 'File';
}

export function ReplyQuote({
  reply,
  senderName,
  onOpen,
}: {
  reply: LocalReply;
  senderName: string;
  onOpen(): void;
}) {
  const text = quoteText(reply);
  return (
    <button
      type="button"
      className={`reply-quote${reply.isDeleted ? ' is-deleted' : ''}`}
      aria-label={`Reply to ${senderName}: ${text}. Show the original`}
      onClick={onOpen}
    >
      <span className="reply-quote-sender">
        <UserText text={senderName} />
      </span>
      <span className="reply-quote-text">
        <UserText text={text} />
      </span>
    </button>
  );
}
