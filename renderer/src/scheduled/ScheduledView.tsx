// Every message this user wrote for later, across conversations, soonest first, as the
// Outbox lists what waits to be sent: each with its time and what can be done with it.
// The server sends them at their time even while this device is off; changes made
// offline go to it once the device is back.
import { useLiveQuery } from 'dexie-react-hooks';
import { useRef } from 'react';
import type { LocalConversation, LocalScheduled } from '../../sync/db.ts';
import { listScheduled } from '../../sync/queries.ts';
import { useApp } from '../app/app-context.tsx';
import { EmptyState, Spinner } from '../components/EmptyState.tsx';
import { ClockIcon } from '../components/icons.tsx';
import { useNetworkOnline } from '../sync-state/use-sync-status.ts';
import { useNow } from '../time/use-now.ts';
import { ScheduledItem } from './ScheduledItem.tsx';
import { isWaiting } from './scheduled-notice.ts';

export interface ScheduledEntry {
  row: LocalScheduled;
  conversation: LocalConversation | undefined;
}

export function ScheduledView() {
  const { db } = useApp();
  const entries = useLiveQuery(async (): Promise<ScheduledEntry[]> => {
    const rows = await listScheduled(db);
    const conversations = await db.conversations.bulkGet([...new Set(rows.map((r) => r.convKey))]);
    const byKey = new Map(conversations.flatMap((c) => (c ? [[c.key, c] as const] : [])));
    return rows.map((row) => ({ row, conversation: byKey.get(row.convKey) }));
  }, [db]);
  return <ScheduledPage entries={entries} />;
}

/** The page for the entries read (undefined while they load). */
export function ScheduledPage({ entries }: { entries: ScheduledEntry[] | undefined }) {
  const { bridge } = useApp();
  const isOnline = useNetworkOnline(bridge);
  const now = useNow();
  const heading = useRef<HTMLHeadingElement>(null);
  const waiting = entries?.filter((e) => isWaiting(e.row)).length ?? 0;

  return (
    <section className="page outbox" aria-labelledby="scheduled-title">
      <header className="page-header">
        <div>
          <h2 id="scheduled-title" ref={heading} tabIndex={-1}>
            Scheduled
          </h2>
          <p className="page-subtitle">
            {entries === undefined
              ? 'Loading…'
              : `${waiting} waiting to be sent${isOnline ? '' : ' · You are offline: changes go to the server when you are back'}`}
          </p>
        </div>
      </header>
      {entries === undefined ? (
        <Spinner label="Loading scheduled messages" />
      ) : entries.length === 0 ? (
        <EmptyState icon={<ClockIcon size={30} />} title="Nothing scheduled">
          <p>
            Write a message and choose Send later beside Send: it goes out at the time you pick,
            even if this device is off.
          </p>
        </EmptyState>
      ) : (
        <ul className="outbox-list" aria-label="Scheduled messages">
          {entries.map(({ row, conversation }) => (
            <ScheduledItem
              key={row.clientMsgId}
              row={row}
              conversation={conversation}
              now={now}
              onLeave={() => heading.current?.focus()}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
