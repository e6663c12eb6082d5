// In a conversation: how many of this user's messages wait to be sent in it later, as a
// link to the Scheduled view where they can be changed.
import { useLiveQuery } from 'dexie-react-hooks';
import { scheduledCountIn } from '../../sync/queries.ts';
import { useApp } from '../app/app-context.tsx';
import { ClockIcon } from '../components/icons.tsx';
import { Link } from '../routing/router.tsx';
import { SCHEDULED_PATH } from '../routing/routes.ts';

export function ScheduledBanner({ convKey }: { convKey: string }) {
  const { db } = useApp();
  const count = useLiveQuery(() => scheduledCountIn(db, convKey), [db, convKey]);
  if (!count) return null;
  return (
    <Link to={SCHEDULED_PATH} className="scheduled-banner">
      <ClockIcon size={14} />
      {count} scheduled message{count === 1 ? '' : 's'}
    </Link>
  );
}
