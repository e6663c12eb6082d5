// How the server's view of a scheduled message combines with the row on this device
// (docs/scheduling.md). Pure, so the rules can be tested without a database:
// - views are ordered by their `updatedAt`: an older one never replaces a newer one, and
//   nothing replaces `sent` (the server never takes a message back);
// - while a change of this user waits in the outbox, the row shows that change; the
//   server's answer to it decides;
// - a message sent or cancelled leaves the list, unless there is something to tell the
//   user: it could not be sent at its time, or their change came too late.
import type { ScheduledView } from '../../shared/scheduled.ts';
import type { LocalScheduled } from './db.ts';

/** The failure code of a scheduled message the server could not send at its time. */
export const NOT_SENT = 'NOT_SENT';

export interface ScheduledMergeInput {
  local: LocalScheduled | undefined;
  view: ScheduledView;
  /** The key of the view's conversation here, for a row new on this device. */
  convKey: string;
  /** A change of this user to it waits in the outbox (or is on its way). */
  hasWaitingChange: boolean;
}

/** Whether `view` is newer than what the server said before. */
export function isNewerView(confirmed: ScheduledView | null, view: ScheduledView): boolean {
  if (!confirmed) return true;
  if (confirmed.state === 'sent') return false;
  return view.updatedAt >= confirmed.updatedAt;
}

/** The row to store, `local` itself when nothing changes, or null when it goes. */
export function mergeScheduled({
  local,
  view,
  convKey,
  hasWaitingChange,
}: ScheduledMergeInput): LocalScheduled | null {
  const previous = local?.confirmed ?? null;
  const confirmed = previous && !isNewerView(previous, view) ? previous : view;
  if (local && hasWaitingChange) {
    return confirmed === previous ? local : { ...local, confirmed };
  }
  // Said again (a pull after the push answer, an older view) it leaves a refusal shown;
  // newer, the server has moved on and the refusal is old news.
  const kept = previous?.updatedAt === confirmed.updatedAt ? (local?.failure ?? null) : null;
  let merged: LocalScheduled | null;
  if (confirmed.state === 'sent') {
    // The message itself arrives as a message; only a change that came too late stays.
    merged =
      local?.failure?.code === 'ALREADY_SENT' ? { ...local, state: 'sent', confirmed } : null;
  } else if (confirmed.state === 'cancelled' && confirmed.failure === null) {
    merged = null;
  } else {
    merged = {
      clientMsgId: local?.clientMsgId ?? confirmed.clientMsgId,
      convKey: local?.convKey ?? convKey,
      content: confirmed.content,
      dueAt: confirmed.dueAt,
      state: confirmed.state,
      confirmed,
      failure: confirmed.failure === null ? kept : { code: NOT_SENT, reason: confirmed.failure },
    };
  }
  if (local && merged && JSON.stringify(merged) === JSON.stringify(local)) return local;
  return merged;
}
