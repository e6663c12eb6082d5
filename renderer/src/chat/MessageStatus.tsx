// The status of one's own message: a clock while pending, ✓ sent, ✓✓ delivered, ✓✓ in
// the accent colour when read, and a warning when the server refused it. The accessible
// name is exactly the status word.
import type { LocalStatus } from '../../../shared/sync/status.ts';
import { AlertIcon, CheckIcon, ClockIcon, DoubleCheckIcon } from '../components/icons.tsx';

export const STATUS_LABEL: Record<LocalStatus, string> = {
  pending: 'Pending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
};

export function MessageStatus({ status }: { status: LocalStatus }) {
  const label = STATUS_LABEL[status];
  return (
    <span role="img" aria-label={label} title={label} className={`message-status status-${status}`}>
      {status === 'pending' && <ClockIcon size={13} />}
      {status === 'sent' && <CheckIcon size={14} />}
      {(status === 'delivered' || status === 'read') && <DoubleCheckIcon size={16} />}
      {status === 'failed' && <AlertIcon size={14} />}
    </span>
  );
}
