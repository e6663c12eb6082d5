// The message history: a virtualized log (only what is on screen is in the DOM) over a
// live window of the conversation, with date separators, sender groups, the "new
// messages" marker and a jump-to-latest button. It is positioned before the first paint
// (at the latest message, the marker or a jumped-to message), so opening a conversation
// shows its messages in the frame that mounts it.
import {
  type Ref,
  useCallback,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { Virtualizer, type VirtualizerHandle } from 'virtua';
import type { LocalConversation, LocalMessage, LocalReply } from '../../sync/db.ts';
import { groupReceiptCounts, isReadOnly } from '../../sync/groups.ts';
import { replyOf } from '../../sync/local-writes.ts';
import { displayedStatus, marksOf } from '../../sync/marks.ts';
import { useApp } from '../app/app-context.tsx';
import { Spinner } from '../components/EmptyState.tsx';
import { ArrowDownIcon } from '../components/icons.tsx';
import { UserText } from '../components/UserText.tsx';
import { readByText } from '../groups/receipt-counts.ts';
import { SystemNotice } from '../groups/SystemNotice.tsx';
import { useSenderNames } from '../groups/use-sender-names.ts';
import { useNow } from '../time/use-now.ts';
import { type MessageActions, MessageBubble } from './MessageBubble.tsx';
import {
  buildMessageRows,
  firstUnreadMessage,
  type MessageRow,
  shiftFirstIndex,
} from './message-rows.ts';
import { useMessageWindow } from './use-message-window.ts';

/** How close to the bottom (px) still counts as "at the latest": new messages follow. */
const AT_BOTTOM_PX = 120;
/** A typical row's height: the estimate for rows not measured yet. */
const ROW_HEIGHT_HINT = 48;
/** The latest rows, mounted from the first render, so that a range opening at the bottom
 * shows them in its first paint. */
const OPENING_ROWS = 16;
/** How close to an end (px) loads the next page on that side. */
const LOAD_MORE_PX = 600;
/** The line above the first message on one line (`.log-edge`: 18 + 6 padding, 18 line),
 * so that the usual opening renders once instead of again after measuring it. */
const EDGE_HEIGHT_HINT = 42;

function LogEdge({
  hasOlder,
  conversation,
}: {
  hasOlder: boolean;
  conversation: LocalConversation;
}) {
  if (hasOlder) return <div className="log-edge">Loading earlier messages…</div>;
  return (
    <div className="log-edge is-start">
      {conversation.group ? (
        <>
          This is the beginning of the group <UserText text={conversation.group.title} />.
        </>
      ) : (
        <>
          This is the beginning of your conversation with{' '}
          <UserText text={conversation.otherDisplayName} />.
        </>
      )}
    </div>
  );
}

export interface MessageLogHandle {
  scrollToLatest(): void;
}

interface MessageLogProps {
  ref?: Ref<MessageLogHandle>;
  conversation: LocalConversation;
  jumpTo: string | null;
  actions: MessageActions;
}

type Quote = { reply: LocalReply; senderName: string };

/** The quote of each reply in the window: from the original's row when the window holds
 * it (an edit or delete since shows), else as the reply carries it. */
function quotesOf(
  messages: readonly LocalMessage[] | undefined,
  nameOf: (userId: number) => string,
): Map<string, Quote> {
  const quotes = new Map<string, Quote>();
  if (!messages?.some((m) => m.replyTo)) return quotes;
  const byServerId = new Map<number, LocalMessage>();
  const byKey = new Map<string, LocalMessage>();
  for (const m of messages) {
    if (m.serverId !== null) byServerId.set(m.serverId, m);
    byKey.set(m.clientMsgId, m);
  }
  for (const m of messages) {
    const reply = m.replyTo;
    if (!reply) continue;
    const original =
      (reply.messageId !== null ? byServerId.get(reply.messageId) : undefined) ??
      (reply.clientMsgId ? byKey.get(reply.clientMsgId) : undefined);
    quotes.set(m.clientMsgId, {
      reply: original
        ? { ...replyOf(original), messageId: reply.messageId ?? original.serverId }
        : reply,
      senderName: nameOf(reply.senderId),
    });
  }
  return quotes;
}

function RowView({
  row,
  actions,
  jumpTo,
  conversation,
  myUserId,
  quote,
  people,
}: {
  row: MessageRow;
  actions: MessageActions;
  jumpTo: string | null;
  conversation: LocalConversation;
  myUserId: number;
  quote: Quote | null;
  people: { myUserId: number; nameOf(userId: number): string };
}) {
  if (row.kind === 'date') {
    return (
      // biome-ignore lint/a11y/useSemanticElements: an <hr> cannot hold the visible label
      <div className="date-separator" role="separator" aria-label={row.label}>
        <span>{row.label}</span>
      </div>
    );
  }
  if (row.kind === 'unread') {
    return (
      // biome-ignore lint/a11y/useSemanticElements: an <hr> cannot hold the visible label
      <div className="unread-marker" role="separator" aria-label="New messages">
        <span>New messages</span>
      </div>
    );
  }
  const { message } = row;
  if (message.messageType === 'system') return <SystemNotice message={message} />;
  const { group } = conversation;
  const isOwnInGroup = group !== undefined && row.isOwn;
  const receipts = isOwnInGroup ? groupReceiptCounts(message, conversation) : null;
  return (
    <MessageBubble
      message={message}
      senderName={people.nameOf(message.senderId)}
      status={displayedStatus(message, conversation, myUserId)}
      isSenderShown={group !== undefined && !row.isOwn && row.isFirstInGroup}
      readBy={receipts && message.serverId !== null ? readByText(receipts.read, receipts.of) : null}
      isReadOnly={isReadOnly(conversation)}
      isOwn={row.isOwn}
      isFirstInGroup={row.isFirstInGroup}
      isLastInGroup={row.isLastInGroup}
      isTarget={row.key === jumpTo}
      actions={actions}
      quote={quote}
      people={people}
    />
  );
}

export function MessageLog({ ref, conversation, jumpTo, actions }: MessageLogProps) {
  const { db, user } = useApp();
  // Captured when the conversation opens, before it is marked seen.
  const [unreadAtOpen] = useState(conversation.unreadCount);
  const [unreadAfter] = useState(() =>
    unreadAtOpen > 0 ? marksOf(conversation, user.userId).readUpTo : null,
  );
  const messageWindow = useMessageWindow(db, conversation.key, {
    jumpTo,
    unreadCount: unreadAtOpen,
    unreadAfter,
  });
  const { messages, range } = messageWindow;
  const { otherDisplayName, group } = conversation;
  const nameOf = useSenderNames(conversation, user.userId);
  const people = useMemo(() => ({ myUserId: user.userId, nameOf }), [user.userId, nameOf]);
  const quotes = useMemo(() => quotesOf(messages, people.nameOf), [messages, people]);
  // Where the "new messages" marker goes is decided once, from the first messages read.
  const unreadFromRef = useRef<string | null | undefined>(undefined);
  if (unreadFromRef.current === undefined && messages) {
    unreadFromRef.current = firstUnreadMessage(messages, user.userId, unreadAfter);
  }
  const unreadFrom = unreadFromRef.current;
  const now = useNow(60_000);
  const list = useRef<VirtualizerHandle>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const [isAtBottom, setAtBottom] = useState(true);
  const [lastKeyWhenLeftBottom, setLastKeyWhenLeftBottom] = useState<string | null>(null);

  const rows = useMemo(
    () =>
      messages
        ? buildMessageRows(messages, { myUserId: user.userId, unreadFrom: unreadFrom ?? null, now })
        : [],
    [messages, user.userId, unreadFrom, now],
  );
  const hasOlder = range?.hasOlder ?? false;
  // The line above the first message sits before the list, which must know its height
  // to place its rows (and keeps older rows coming in above it at index 0, as `shift`
  // requires).
  const edge = useRef<HTMLDivElement>(null);
  const [edgeHeight, setEdgeHeight] = useState(EDGE_HEIGHT_HINT);
  // Observed rather than read in a layout effect: a read there forces a layout of the
  // whole freshly mounted log. The observer reports before the first paint, and again
  // when a narrower window wraps the line.
  const generation = range?.generation;
  // biome-ignore lint/correctness/useExhaustiveDependencies: each range mounts a new edge
  useLayoutEffect(() => {
    const element = edge.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setEdgeHeight(Math.round(entry.borderBoxSize[0]?.blockSize ?? 0));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [generation]);

  // Rows that appeared above the first one held before: the list keeps its position from
  // the end for this render (virtua's `shift`).
  const previousRows = useRef<MessageRow[]>([]);
  const previousGeneration = useRef<number | null>(null);
  const isNewRange = range !== null && previousGeneration.current !== range.generation;
  const isPrepend =
    !isNewRange &&
    previousRows.current.length > 0 &&
    shiftFirstIndex(0, previousRows.current, rows) < 0;

  const latestKey = messages?.at(-1)?.clientMsgId ?? null;
  const newSinceLeft = useMemo(() => {
    if (isAtBottom || !messages || lastKeyWhenLeftBottom === null) return 0;
    const at = messages.findIndex((m) => m.clientMsgId === lastKeyWhenLeftBottom);
    return at < 0 ? 0 : messages.slice(at + 1).filter((m) => m.senderId !== user.userId).length;
  }, [isAtBottom, messages, lastKeyWhenLeftBottom, user.userId]);

  const canFollow = range?.to === null;
  // Kept mounted always: cheap, and what makes the first paint of a range show them.
  const openingRows = useMemo(
    () =>
      Array.from({ length: Math.min(OPENING_ROWS, rows.length) }, (_, i) => rows.length - 1 - i),
    [rows.length],
  );
  const followsOutput = useRef(true);

  // Before the first paint of a range: where it opens. After that, while at the bottom of
  // a window that reaches the newest message, new rows keep it at the bottom.
  useLayoutEffect(() => {
    const handle = list.current;
    if (!handle || !range || rows.length === 0) {
      previousRows.current = rows;
      return;
    }
    const last = rows.length - 1;
    if (isNewRange) {
      previousGeneration.current = range.generation;
      const target = jumpTo ? rows.findIndex((r) => r.key === jumpTo) : -1;
      const marker = rows.findIndex((r) => r.kind === 'unread');
      if (target >= 0) handle.scrollToIndex(target, { align: 'center' });
      else if (marker >= 0) handle.scrollToIndex(marker, { align: 'start' });
      else {
        // The latest rows are mounted from the first render (`keepMounted`): at the
        // bottom now, they are on screen in the first paint, before the list has
        // measured anything; the list then settles the exact position.
        if (scroller.current) scroller.current.scrollTop = scroller.current.scrollHeight;
        handle.scrollToIndex(last, { align: 'end' });
      }
      followsOutput.current = target < 0 && marker < 0;
    } else if (!isPrepend && followsOutput.current && canFollow) {
      const previousLast = previousRows.current.at(-1)?.key;
      if (previousLast !== rows.at(-1)?.key) handle.scrollToIndex(last, { align: 'end' });
    }
    previousRows.current = rows;
  }, [rows, range, isNewRange, isPrepend, jumpTo, canFollow]);

  const { resetToLatest, loadOlder, loadNewer } = messageWindow;
  const scrollToLatest = useCallback(() => {
    if (range && range.to !== null) {
      void resetToLatest();
      return;
    }
    followsOutput.current = true;
    list.current?.scrollToIndex(rows.length - 1, { align: 'end' });
  }, [range, resetToLatest, rows.length]);
  useImperativeHandle(ref, () => ({ scrollToLatest }), [scrollToLatest]);

  const onScroll = useCallback(
    (offset: number) => {
      const handle = list.current;
      if (!handle) return;
      const fromBottom = handle.scrollSize - handle.viewportSize - offset;
      const atBottom = fromBottom <= AT_BOTTOM_PX;
      followsOutput.current = atBottom;
      setAtBottom((was) => {
        if (was && !atBottom) setLastKeyWhenLeftBottom(latestKey);
        return atBottom;
      });
      if (offset <= LOAD_MORE_PX && hasOlder) void loadOlder();
      if (fromBottom <= LOAD_MORE_PX && !canFollow) void loadNewer();
    },
    [latestKey, hasOlder, canFollow, loadOlder, loadNewer],
  );

  if (!messages || !range || unreadFrom === undefined) {
    return (
      <div className="message-log" role="log" aria-label="Messages" aria-busy="true">
        <Spinner label="Loading messages" />
      </div>
    );
  }

  return (
    <div className="message-log" role="log" aria-label="Messages">
      {rows.length === 0 ? (
        <div className="log-empty">
          <p>No messages yet.</p>
          <p className="muted">
            {group ? (
              'Say hello to the group.'
            ) : (
              <>
                Say hello to <UserText text={otherDisplayName} />.
              </>
            )}
          </p>
        </div>
      ) : (
        <div className="log-scroller" key={range.generation} ref={scroller}>
          <div className="log-spacer" />
          <div ref={edge}>
            <LogEdge hasOlder={hasOlder} conversation={conversation} />
          </div>
          <Virtualizer
            ref={list}
            data={rows}
            shift={isPrepend}
            startMargin={edgeHeight}
            itemSize={ROW_HEIGHT_HINT}
            keepMounted={openingRows}
            bufferSize={600}
            onScroll={onScroll}
          >
            {(item) => (
              <RowView
                key={item.key}
                row={item}
                actions={actions}
                jumpTo={jumpTo}
                conversation={conversation}
                myUserId={user.userId}
                quote={item.kind === 'message' ? (quotes.get(item.key) ?? null) : null}
                people={people}
              />
            )}
          </Virtualizer>
          <div className="log-footer" />
        </div>
      )}
      {(!isAtBottom || !canFollow) && rows.length > 0 && (
        <button type="button" className="jump-latest" onClick={scrollToLatest}>
          {newSinceLeft > 0
            ? `${newSinceLeft} new message${newSinceLeft === 1 ? '' : 's'}`
            : 'Jump to latest'}
          <ArrowDownIcon size={15} />
        </button>
      )}
    </div>
  );
}
