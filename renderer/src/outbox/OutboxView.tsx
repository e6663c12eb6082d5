// Every message of this user that is still waiting to be sent, or that the server
// refused, across all conversations; failed ones can be retried or discarded, one by
// one or all at once, and a file's upload shows its progress and can be cancelled.
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { messagePreview } from '../../sync/conversation-stats.ts';
import type { LocalConversation, LocalMessage } from '../../sync/db.ts';
import { outboxMessages } from '../../sync/queries.ts';
import { useApp } from '../app/app-context.tsx';
import { useUploadProgress } from '../attachments/use-attachment.ts';
import { TransferProgress } from '../chat/attachments/TransferProgress.tsx';
import { failureText } from '../chat/MessageBubble.tsx';
import { MessageStatus } from '../chat/MessageStatus.tsx';
import { EmptyState, Spinner } from '../components/EmptyState.tsx';
import { CheckIcon } from '../components/icons.tsx';
import { UserText } from '../components/UserText.tsx';
import { conversationName } from '../groups/roster.ts';
import { contextLabel } from '../notifications/notification-policy.ts';
import { Link } from '../routing/router.tsx';
import { conversationPath } from '../routing/routes.ts';
import { describeSync } from '../sync-state/sync-label.ts';
import { useNetworkOnline, useSyncStatus } from '../sync-state/use-sync-status.ts';
import { formatRelative } from '../time/format-time.ts';
import { useNow } from '../time/use-now.ts';

/** A queued file's upload, while this tab runs it: how far it is, and a way to stop it. */
function OutboxUpload({ message, fileName }: { message: LocalMessage; fileName: string }) {
  const { engine } = useApp();
  const upload = useUploadProgress(message.clientMsgId);
  if (!upload) return null;
  return (
    <div className="transfer-row">
      <TransferProgress label={`Uploading ${fileName}`} done={upload.sent} total={upload.total} />
      <button
        type="button"
        className="button ghost small"
        onClick={() => void engine.cancelUpload(message.clientMsgId)}
      >
        Cancel upload
      </button>
    </div>
  );
}

interface OutboxItem {
  message: LocalMessage;
  conversation: LocalConversation | undefined;
}

export function OutboxView() {
  const { db, engine, bridge, user } = useApp();
  const items = useLiveQuery(async (): Promise<OutboxItem[]> => {
    const messages = await outboxMessages(db);
    const conversations = await db.conversations.bulkGet([
      ...new Set(messages.map((m) => m.convKey)),
    ]);
    const byKey = new Map(conversations.flatMap((c) => (c ? [[c.key, c] as const] : [])));
    return messages.map((message) => ({ message, conversation: byKey.get(message.convKey) }));
  }, [db]);
  const status = useSyncStatus(engine);
  const isOnline = useNetworkOnline(bridge);
  const now = useNow();
  const [isConfirmingDiscard, setConfirmingDiscard] = useState(false);
  const failed = items?.filter((i) => i.message.status === 'failed').length ?? 0;
  const pending = (items?.length ?? 0) - failed;

  return (
    <section className="page outbox" aria-labelledby="outbox-title">
      <header className="page-header">
        <div>
          <h2 id="outbox-title">Outbox</h2>
          <p className="page-subtitle">
            {items === undefined
              ? 'Loading…'
              : items.length === 0
                ? 'Nothing waiting to be sent.'
                : `${pending} waiting to send${failed ? ` · ${failed} refused by the server` : ''} · ${describeSync(status, isOnline).text.split(' · ')[0]}`}
          </p>
        </div>
        <div className="page-actions">
          <button
            type="button"
            className="button secondary"
            disabled={failed === 0}
            onClick={() => void engine.retryAll()}
          >
            Retry all
          </button>
          {isConfirmingDiscard ? (
            <span className="inline-confirm">
              <span>Discard {failed} failed?</span>
              <button
                type="button"
                className="button danger"
                onClick={() => {
                  setConfirmingDiscard(false);
                  void engine.discardAll();
                }}
              >
                Discard
              </button>
              <button
                type="button"
                className="button ghost"
                onClick={() => setConfirmingDiscard(false)}
              >
                Cancel
              </button>
            </span>
          ) : (
            <button
              type="button"
              className="button secondary danger-text"
              disabled={failed === 0}
              onClick={() => setConfirmingDiscard(true)}
            >
              Discard all
            </button>
          )}
        </div>
      </header>
      {items === undefined ? (
        <Spinner label="Loading the outbox" />
      ) : items.length === 0 ? (
        <EmptyState icon={<CheckIcon size={30} />} title="All sent">
          <p>Messages you write while offline wait here until they reach the server.</p>
        </EmptyState>
      ) : (
        <ul className="outbox-list" aria-label="Waiting messages">
          {items.map(({ message, conversation }) => (
            <li key={message.clientMsgId} className={`outbox-item status-${message.status}`}>
              <div className="outbox-main">
                <div className="outbox-to">
                  {conversation ? (
                    <Link to={conversationPath(conversation, user.userId, message.clientMsgId)}>
                      <UserText text={conversationName(conversation)} />
                    </Link>
                  ) : (
                    <span>Unknown conversation</span>
                  )}
                  {conversation && (
                    <span className="muted">
                      {' '}
                      · <UserText text={contextLabel(conversation)} />
                    </span>
                  )}
                  <time className="muted" dateTime={message.createdAt}>
                    {' '}
                    · {formatRelative(message.createdAt, now)}
                  </time>
                </div>
                <p className="outbox-text">
                  {message.isDeleted ? (
                    'Delete this message'
                  ) : (
                    <UserText text={messagePreview(message)} />
                  )}
                </p>
                {message.status === 'pending' && message.attachment && (
                  <OutboxUpload message={message} fileName={message.attachment.fileName} />
                )}
                {message.status === 'failed' && (
                  <p className="failure-text">{failureText(message)}</p>
                )}
              </div>
              <div className="outbox-side">
                <MessageStatus status={message.status} />
                {message.status === 'failed' && (
                  <button
                    type="button"
                    className="button ghost small"
                    onClick={() => void engine.retry(message.clientMsgId)}
                  >
                    Retry
                  </button>
                )}
                <button
                  type="button"
                  className="button ghost small danger-text"
                  onClick={() => void engine.discard(message.clientMsgId)}
                >
                  Discard
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
