// What a scheduled message on the list says of itself besides its time and text: why it
// was not sent or not changed, or that it has not reached the server yet.
import type { LocalScheduled } from '../../sync/db.ts';
import { NOT_SENT } from '../../sync/scheduled-merge.ts';

export type ScheduledNotice =
  | { kind: 'already-sent'; text: string }
  | { kind: 'not-sent'; text: string }
  | { kind: 'refused'; text: string }
  | { kind: 'waiting'; text: string }
  | null;

/** Whether the server has it as the device shows it. */
function isOnServer(row: LocalScheduled): boolean {
  const { confirmed } = row;
  return (
    confirmed !== null &&
    confirmed.content === row.content &&
    confirmed.dueAt === row.dueAt &&
    confirmed.state === row.state
  );
}

export function scheduledNotice(row: LocalScheduled): ScheduledNotice {
  const { failure } = row;
  if (failure?.code === 'ALREADY_SENT') {
    return { kind: 'already-sent', text: 'Already sent — your change was not applied.' };
  }
  if (failure?.code === NOT_SENT) return { kind: 'not-sent', text: `Not sent: ${failure.reason}.` };
  if (failure) {
    return row.confirmed === null
      ? { kind: 'refused', text: `Not scheduled: ${failure.reason}.` }
      : { kind: 'refused', text: `Your change was not applied: ${failure.reason}.` };
  }
  if (!isOnServer(row)) {
    return { kind: 'waiting', text: 'Not on the server yet: it goes there when you are online.' };
  }
  return null;
}

/** Whether it still waits to be sent, and can be edited, rescheduled, sent or cancelled. */
export function isWaiting(row: LocalScheduled): boolean {
  return row.state === 'scheduled';
}
