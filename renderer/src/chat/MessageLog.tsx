// The message history: a virtualized log (only what is on screen is in the DOM) over a
// live window of the conversation, with date separators, sender groups, the "new
// messages" marker and a jump-to-latest button.
import { type Ref, useCallback, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import type { LocalConversation } from '../../sync/db.ts';
import { displayedStatus } from '../../sync/marks.ts';
import { useApp } from '../app/app-context.tsx';
import { Spinner } from '../components/EmptyState.tsx';
import { ArrowDownIcon } from '../components/icons.tsx';
import { UserText } from '../components/UserText.tsx';
import { useNow } from '../time/use-now.ts';
import { type MessageActions, MessageBubble } from './MessageBubble.tsx';
import {
  buildMessageRows,
  firstUnreadMessage,
  type MessageRow,
  shiftFirstIndex,
} from './message-rows.ts';
import { useMessageWindow } from './use-message-window.ts';

// Virtuoso counts prepended rows down from here; it only has to stay positive.
const FIRST_INDEX_BASE = 100_000_000;

interface EdgeContext {
  hasOlder: boolean;
  otherName: string;
}

function LogHeader({ context }: { context: EdgeContext }) {
  return context.hasOlder ? (
    <div className="log-edge">Loading earlier messages…</div>
  ) : (
    <div className="log-edge is-start">
      This is the beginning of your conversation with <UserText text={context.otherName} />.
    </div>
  );
}

const LOG_EDGES = {
  Header: LogHeader,
  Footer: () => <div className="log-footer" />,
};

export interface MessageLogHandle {
  scrollToLatest(): void;
}

interface MessageLogProps {
  ref?: Ref<MessageLogHandle>;
  conversation: LocalConversation;
  jumpTo: string | null;
  actions: MessageActions;
}

function RowView({
  row,
  actions,
  jumpTo,
  conversation,
  myUserId,
}: {
  row: MessageRow;
  actions: MessageActions;
  jumpTo: string | null;
  conversation: LocalConversation;
  myUserId: number;
}) {
  if (row.kind === 'date') {
    return (
      <div className="date-separator">
        <span>{row.label}</span>
      </div>
    );
  }
  if (row.kind === 'unread') {
    return (
      <div className="unread-marker">
        <span>New messages</span>
      </div>
    );
  }
  return (
    <MessageBubble
      message={row.message}
      senderName={row.isOwn ? 'You' : conversation.otherDisplayName}
      status={displayedStatus(row.message, conversation, myUserId)}
      isOwn={row.isOwn}
      isFirstInGroup={row.isFirstInGroup}
      isLastInGroup={row.isLastInGroup}
      isTarget={row.key === jumpTo}
      actions={actions}
    />
  );
}

export function MessageLog({ ref, conversation, jumpTo, actions }: MessageLogProps) {
  const { db, user } = useApp();
  // Captured when the conversation opens, before it is marked seen.
  const [unreadAtOpen] = useState(conversation.unreadCount);
  const messageWindow = useMessageWindow(db, conversation.key, {
    jumpTo,
    initialCount: unreadAtOpen + 10,
  });
  const { messages, range } = messageWindow;
  // Where the "new messages" marker goes is decided once, from the first messages read.
  const unreadFromRef = useRef<string | null | undefined>(undefined);
  if (unreadFromRef.current === undefined && messages) {
    unreadFromRef.current = firstUnreadMessage(messages, user.userId, unreadAtOpen);
  }
  const unreadFrom = unreadFromRef.current;
  const now = useNow(60_000);
  const virtuoso = useRef<VirtuosoHandle>(null);
  const [isAtBottom, setAtBottom] = useState(true);
  const [lastKeyWhenLeftBottom, setLastKeyWhenLeftBottom] = useState<string | null>(null);

  const rows = useMemo(
    () =>
      messages
        ? buildMessageRows(messages, { myUserId: user.userId, unreadFrom: unreadFrom ?? null, now })
        : [],
    [messages, user.userId, unreadFrom, now],
  );

  const firstIndex = useRef(FIRST_INDEX_BASE);
  const previousRows = useRef<MessageRow[]>([]);
  const generation = useRef<number | null>(null);
  if (range && generation.current !== range.generation) {
    generation.current = range.generation;
    firstIndex.current = FIRST_INDEX_BASE;
    previousRows.current = [];
  }
  if (previousRows.current !== rows) {
    if (previousRows.current.length > 0) {
      firstIndex.current = shiftFirstIndex(firstIndex.current, previousRows.current, rows);
    }
    previousRows.current = rows;
  }

  const latestKey = messages?.at(-1)?.clientMsgId ?? null;
  const newSinceLeft = useMemo(() => {
    if (isAtBottom || !messages || lastKeyWhenLeftBottom === null) return 0;
    const at = messages.findIndex((m) => m.clientMsgId === lastKeyWhenLeftBottom);
    return at < 0 ? 0 : messages.slice(at + 1).filter((m) => m.senderId !== user.userId).length;
  }, [isAtBottom, messages, lastKeyWhenLeftBottom, user.userId]);

  const { resetToLatest, loadOlder, loadNewer } = messageWindow;
  const scrollToLatest = useCallback(() => {
    if (range && range.to !== null) {
      void resetToLatest();
      return;
    }
    virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'auto' });
  }, [range, resetToLatest]);
  useImperativeHandle(ref, () => ({ scrollToLatest }), [scrollToLatest]);

  const hasOlder = range?.hasOlder ?? false;
  const otherName = conversation.otherDisplayName;
  const edgeContext = useMemo(() => ({ hasOlder, otherName }), [hasOlder, otherName]);

  const onAtBottomChange = useCallback(
    (atBottom: boolean) => {
      setAtBottom(atBottom);
      if (!atBottom) setLastKeyWhenLeftBottom(latestKey);
    },
    [latestKey],
  );

  if (!messages || !range || unreadFrom === undefined) {
    return (
      <div className="message-log" role="log" aria-label="Messages" aria-busy="true">
        <Spinner label="Loading messages" />
      </div>
    );
  }

  const targetIndex = jumpTo ? rows.findIndex((r) => r.key === jumpTo) : -1;
  const markerIndex = rows.findIndex((r) => r.kind === 'unread');
  const initialTop =
    targetIndex >= 0
      ? { index: targetIndex, align: 'center' as const }
      : markerIndex >= 0
        ? { index: markerIndex, align: 'start' as const }
        : { index: Math.max(0, rows.length - 1), align: 'end' as const };
  const canFollow = range.to === null;

  return (
    <div className="message-log" role="log" aria-label="Messages">
      {rows.length === 0 ? (
        <div className="log-empty">
          <p>No messages yet.</p>
          <p className="muted">
            Say hello to <UserText text={conversation.otherDisplayName} />.
          </p>
        </div>
      ) : (
        <Virtuoso<MessageRow, EdgeContext>
          key={range.generation}
          ref={virtuoso}
          className="log-scroller"
          data={rows}
          firstItemIndex={firstIndex.current}
          alignToBottom
          defaultItemHeight={44}
          initialTopMostItemIndex={initialTop}
          computeItemKey={(_, row) => row.key}
          itemContent={(_, row) => (
            <RowView
              row={row}
              actions={actions}
              jumpTo={jumpTo}
              conversation={conversation}
              myUserId={user.userId}
            />
          )}
          startReached={() => void loadOlder()}
          endReached={() => void loadNewer()}
          followOutput={(atBottom) => (atBottom && canFollow ? 'smooth' : false)}
          atBottomStateChange={onAtBottomChange}
          atBottomThreshold={120}
          increaseViewportBy={{ top: 800, bottom: 400 }}
          components={LOG_EDGES}
          context={edgeContext}
        />
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
