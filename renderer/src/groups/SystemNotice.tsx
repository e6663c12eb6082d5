// A membership change in the log ("Alice added Bob"), written by the server: a centred,
// muted line with its time, no bubble and nothing to do with it.
import type { LocalMessage } from '../../sync/db.ts';
import { UserText } from '../components/UserText.tsx';
import { formatClock } from '../time/format-time.ts';

export function SystemNotice({
  message,
}: {
  message: Pick<LocalMessage, 'content' | 'createdAt'>;
}) {
  const time = formatClock(message.createdAt);
  return (
    <p className="system-message">
      <UserText text={message.content} />
      <span className="visually-hidden">, {time}</span>
    </p>
  );
}
