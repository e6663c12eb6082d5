// "Read by" for one's own message in a group: each other member with when they read it,
// when they got it, or "Not yet". The list shows at once from the members' watermarks on
// this device; the times come from the server, and without a connection it says so.
import { useEffect, useState } from 'react';
import type { ReceiptDetails } from '../../../shared/groups.ts';
import type { LocalConversation, LocalMessage } from '../../sync/db.ts';
import { useApp } from '../app/app-context.tsx';
import { Avatar } from '../components/Avatar.tsx';
import { ModalDialog } from '../components/ModalDialog.tsx';
import { UserText } from '../components/UserText.tsx';
import { daysBetween, formatClock, formatDayLabel } from '../time/format-time.ts';
import { useNow } from '../time/use-now.ts';
import {
  type MemberReceipt,
  memberReceipts,
  type ReceiptState,
  readByText,
} from './receipt-counts.ts';

interface ReadByDialogProps {
  message: LocalMessage;
  conversation: Pick<LocalConversation, 'members' | 'group'>;
  onClose(): void;
}

type Times = { state: 'asking' } | { state: 'answered'; details: ReceiptDetails | null };

interface Row extends MemberReceipt {
  at: string | null;
}

const ORDER: Record<ReceiptState, number> = { read: 0, delivered: 1, 'not-yet': 2 };

/** The server's answer when there is one (it knows the times), else the local marks. */
function rowsOf(local: MemberReceipt[], details: ReceiptDetails | null): Row[] {
  const rows: Row[] = details
    ? details.members.map((m) => ({
        userId: m.userId,
        displayName: m.displayName,
        state: m.isRead ? 'read' : m.isDelivered ? 'delivered' : 'not-yet',
        // The server may know that it happened but not when.
        at: m.isRead ? m.readAt : m.isDelivered ? m.deliveredAt : null,
      }))
    : local.map((m) => ({ ...m, at: null }));
  return rows.sort(
    (a, b) => ORDER[a.state] - ORDER[b.state] || a.displayName.localeCompare(b.displayName),
  );
}

/** "10:42" today, "Yesterday, 10:42" or "Monday, 10:42" before. */
function receiptTime(iso: string, now: Date): string {
  const clock = formatClock(iso);
  return daysBetween(new Date(iso), now) <= 0 ? clock : `${formatDayLabel(iso, now)}, ${clock}`;
}

function stateText(row: Row, now: Date): string {
  if (row.state === 'not-yet') return 'Not yet';
  const word = row.state === 'read' ? 'Read' : 'Delivered';
  return row.at ? `${word} ${receiptTime(row.at, now)}` : word;
}

export function ReadByDialog({ message, conversation, onClose }: ReadByDialogProps) {
  const { engine } = useApp();
  const [times, setTimes] = useState<Times>({ state: 'asking' });
  const now = useNow();

  useEffect(() => {
    let isCurrent = true;
    engine
      .receiptDetails(message.clientMsgId)
      .catch(() => null)
      .then((details) => isCurrent && setTimes({ state: 'answered', details }));
    return () => {
      isCurrent = false;
    };
  }, [engine, message.clientMsgId]);

  const local = memberReceipts(message, conversation);
  const details = times.state === 'answered' ? times.details : null;
  const rows = rowsOf(local, details);
  const summary = readByText(rows.filter((r) => r.state === 'read').length, rows.length);

  return (
    <ModalDialog title="Read by" onClose={onClose} className="group-dialog">
      <p className="read-by-summary">{summary}</p>
      <ul className="group-members" aria-label="Members">
        {rows.map((row) => (
          <li key={row.userId} className="group-member">
            <Avatar name={row.displayName} seed={row.userId} size={32} />
            <span className="group-member-name">
              <UserText text={row.displayName} />
            </span>
            <span className={`receipt-state is-${row.state}`}>
              {row.at ? <time dateTime={row.at}>{stateText(row, now)}</time> : stateText(row, now)}
            </span>
          </li>
        ))}
      </ul>
      {times.state === 'asking' && <p className="muted small">Asking the server for times…</p>}
      {times.state === 'answered' && !details && (
        <p className="muted small">Times need a connection.</p>
      )}
    </ModalDialog>
  );
}
