// A conversation on screen: header, message log and composer. While it is on screen and
// the window has focus, its messages count as read; its notifications are withdrawn.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { usePresence } from '../../presence/use-presence.ts';
import type { LocalConversation, LocalMessage, LocalReply } from '../../sync/db.ts';
import { isReadOnly } from '../../sync/groups.ts';
import { replyOf } from '../../sync/local-writes.ts';
import { useApp } from '../app/app-context.tsx';
import { isWindowFocused } from '../app/window-focus.ts';
import { EmptyState, Spinner } from '../components/EmptyState.tsx';
import { useRouteConversation } from '../conversations/use-conversations.ts';
import { GroupInfoDialog } from '../groups/GroupInfoDialog.tsx';
import { LeftGroupNotice } from '../groups/LeftGroupNotice.tsx';
import { ReadByDialog } from '../groups/ReadByDialog.tsx';
import { senderNameIn } from '../groups/roster.ts';
import { useNavigate } from '../routing/router.tsx';
import {
  chatPath,
  conversationPath,
  conversationUrlId,
  type Route,
  routeUserId,
} from '../routing/routes.ts';
import { ScheduledBanner } from '../scheduled/ScheduledBanner.tsx';
import { useSyncStatus } from '../sync-state/use-sync-status.ts';
import { AttachDropZone } from './attachments/AttachDropZone.tsx';
import { sendFiles } from './attachments/prepare-attachment.ts';
import { ChatHeader } from './ChatHeader.tsx';
import { Composer, type ComposerHandle } from './Composer.tsx';
import { lastChangeableOwnMessage } from './last-own-message.ts';
import type { MessageActions } from './MessageBubble.tsx';
import { MessageLog, type MessageLogHandle } from './MessageLog.tsx';
import { quoteText } from './ReplyQuote.tsx';

type ChatRoute = Extract<Route, { name: 'chat' }>;

export function ChatView({ route }: { route: ChatRoute }) {
  const { db, engine, recentConversations } = useApp();
  const conversation = useRouteConversation(
    db,
    route.conversationId,
    recentConversations.get(route.conversationId),
  );
  const status = useSyncStatus(engine);
  if (conversation === undefined) return <Spinner label="Opening conversation" />;
  if (conversation === null) {
    if (status.lastSyncedAt === null && status.connectivity !== 'offline') {
      return <Spinner label="Loading conversation" />;
    }
    return (
      <EmptyState title="Conversation not found">
        <p>
          It is not on this device
          {status.connectivity === 'offline' ? ' yet, and you are offline' : ''}.
        </p>
      </EmptyState>
    );
  }
  return (
    <OpenConversation key={conversation.key} conversation={conversation} jumpTo={route.messageId} />
  );
}

function useFocusState(): boolean {
  const [isFocused, setFocused] = useState(() => isWindowFocused(document));
  useEffect(() => {
    const update = () => setFocused(isWindowFocused(document));
    window.addEventListener('focus', update);
    window.addEventListener('blur', update);
    document.addEventListener('visibilitychange', update);
    return () => {
      window.removeEventListener('focus', update);
      window.removeEventListener('blur', update);
      document.removeEventListener('visibilitychange', update);
    };
  }, []);
  return isFocused;
}

function OpenConversation({
  conversation,
  jumpTo,
}: {
  conversation: LocalConversation;
  jumpTo: string | null;
}) {
  const { db, engine, active, bridge, user, auth, serverUrl, recentConversations } = useApp();
  const navigate = useNavigate();
  const [editing, setEditing] = useState<LocalMessage | null>(null);
  const [replyingTo, setReplyingTo] = useState<LocalMessage | null>(null);
  const [isGroupInfoOpen, setGroupInfoOpen] = useState(false);
  const [receiptsOf, setReceiptsOf] = useState<LocalMessage | null>(null);
  const log = useRef<MessageLogHandle>(null);
  const isFocused = useFocusState();
  const { key, unreadCount, group } = conversation;
  const isWritable = !isReadOnly(conversation);

  const self = useMemo(() => ({ userId: user.userId, displayName: user.displayName }), [user]);
  // The server lets only members into a group's room.
  const presence = usePresence({
    serverUrl,
    auth,
    conversationId: isWritable ? conversation.serverId : null,
    self,
  });
  const { setActive, setTyping } = presence;

  useEffect(() => {
    active.set(key);
    bridge.withdrawNotification(key);
    return () => active.set(null);
  }, [active, bridge, key]);

  useEffect(() => setActive(isFocused), [setActive, isFocused]);

  // Read = on screen with the window focused (DESIGN §3.5).
  useEffect(() => {
    if (isFocused && unreadCount > 0) void engine.markSeen(key);
  }, [engine, key, unreadCount, isFocused]);

  // A conversation created offline gets its server id later: move the URL to it.
  const urlId = conversationUrlId(conversation);
  useEffect(() => {
    if (
      /^[0-9]+$/.test(urlId) &&
      !window.location.search.includes(`conversation_id=${urlId}`) &&
      !jumpTo
    ) {
      // Known under its new address at once, so the view (and the composer in it) stays
      // mounted instead of waiting for a lookup by the new id.
      recentConversations.set(urlId, conversation);
      navigate(conversationPath(conversation, user.userId), { replace: true });
    }
  }, [urlId, conversation, recentConversations, navigate, jumpTo, user.userId]);

  const routeUser = routeUserId(conversation, user.userId);
  const path = chatPath(routeUser, urlId);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      navigate('/messages');
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>(`a[href="${CSS.escape(path)}"]`)?.focus(),
      );
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate, path]);

  // The log opens around the original, loading older pages when it is not in view.
  const openOriginal = useCallback(
    async (reply: LocalReply) => {
      const original =
        (reply.clientMsgId ? await db.messages.get(reply.clientMsgId) : undefined) ??
        (reply.messageId !== null
          ? await db.messages.where('serverId').equals(reply.messageId).first()
          : undefined);
      if (original?.convKey === key) {
        navigate(chatPath(routeUser, urlId, original.clientMsgId));
      }
    },
    [db, key, navigate, routeUser, urlId],
  );

  const actions = useMemo<MessageActions>(
    () => ({
      onEdit: (message) => setEditing(message),
      onDelete: (message) => void engine.deleteMessage(message.clientMsgId),
      onRetry: (message) => void engine.retry(message.clientMsgId),
      onCancelUpload: (message) => void engine.cancelUpload(message.clientMsgId),
      onDiscard: (message) => void engine.discard(message.clientMsgId),
      onCopy: (message) => void bridge.copyText(message.content).catch(() => {}),
      onOpenLink: (href) => void bridge.openExternal(href).catch(() => {}),
      onReply: (message) => {
        setEditing(null);
        setReplyingTo(message);
      },
      onOpenReply: (reply) => void openOriginal(reply),
      onToggleReaction: (message, emoji) =>
        void engine.toggleReaction(message.clientMsgId, emoji).catch(() => {}),
      onShowReceipts: (message) => setReceiptsOf(message),
    }),
    [engine, bridge, openOriginal],
  );

  const editLastOwn = useCallback(async () => {
    const last = await lastChangeableOwnMessage(db, key, user.userId);
    if (last) setEditing(last);
  }, [db, key, user.userId]);

  const send = useCallback(
    async (text: string) => {
      // A text split in parts answers with its first part only.
      const answering = replyingTo?.clientMsgId;
      setReplyingTo(null);
      await engine.sendMessage(key, text, answering);
      log.current?.scrollToLatest();
    },
    [engine, key, replyingTo],
  );
  const composer = useRef<ComposerHandle>(null);
  const attach = useCallback(
    async (files: File[], caption: string) => {
      const refusals = await sendFiles(engine, key, files, caption);
      log.current?.scrollToLatest();
      return refusals;
    },
    [engine, key],
  );
  const schedule = useCallback(
    async (text: string, dueAt: Date) => {
      await engine.scheduleMessage(key, text, dueAt);
    },
    [engine, key],
  );
  const saveEdit = useCallback(
    async (message: LocalMessage, text: string) => {
      const edited = text.trim();
      const isEmptyAllowed = Boolean(message.attachment);
      if ((edited || isEmptyAllowed) && edited !== message.content)
        await engine.editMessage(message.clientMsgId, edited);
      setEditing(null);
    },
    [engine],
  );

  const refused = conversation.createFailure
    ? `This conversation could not be started: ${conversation.createFailure.reason}`
    : null;

  return (
    <section
      className="chat-view"
      aria-label={
        group ? `Group ${group.title}` : `Conversation with ${conversation.otherDisplayName}`
      }
    >
      <ChatHeader
        conversation={conversation}
        isTyping={presence.otherTyping}
        typingNames={presence.typingUsers.map((u) => u.displayName)}
        onOpenGroupInfo={() => setGroupInfoOpen(true)}
      />
      <AttachDropZone
        onFiles={(files) => composer.current?.attach(files)}
        isDisabled={refused !== null || !isWritable}
      >
        <MessageLog ref={log} conversation={conversation} jumpTo={jumpTo} actions={actions} />
        <ScheduledBanner convKey={key} />
        {isWritable ? (
          <Composer
            ref={composer}
            db={db}
            convKey={key}
            editing={editing}
            onSend={send}
            onAttach={attach}
            // A scheduled message is text on its own: it cannot answer another.
            onSchedule={replyingTo ? undefined : schedule}
            onSaveEdit={saveEdit}
            onCancelEdit={() => setEditing(null)}
            replyingTo={
              replyingTo
                ? {
                    senderName: senderNameIn(conversation, replyingTo.senderId, user.userId),
                    text: quoteText(replyOf(replyingTo)),
                  }
                : null
            }
            onCancelReply={() => setReplyingTo(null)}
            onEditLast={editLastOwn}
            onTyping={setTyping}
            disabledReason={refused}
          />
        ) : (
          <LeftGroupNotice />
        )}
      </AttachDropZone>
      {group && isGroupInfoOpen && (
        <GroupInfoDialog
          convKey={key}
          serverId={conversation.serverId}
          group={group}
          onClose={() => setGroupInfoOpen(false)}
        />
      )}
      {group && receiptsOf && (
        <ReadByDialog
          message={receiptsOf}
          conversation={conversation}
          onClose={() => setReceiptsOf(null)}
        />
      )}
    </section>
  );
}
