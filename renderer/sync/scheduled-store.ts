// What the server says of this user's scheduled messages, applied to the device: the
// views that change sets, push answers and pulls carry, and the refusals of changes
// (docs/scheduling.md). Runs inside the caller's transaction over the scheduled, outbox
// and conversations tables.
import type { ScheduledView } from '../../shared/scheduled.ts';
import type { ChatDatabase, LocalScheduled, OutboxEntry } from './db.ts';
import type { Failure } from './failures.ts';
import { mergeScheduled } from './scheduled-merge.ts';

/** Whether an outbox entry is a change to a scheduled message. */
export function isScheduledChange(entry: Pick<OutboxEntry, 'kind'>): boolean {
  return entry.kind === 'schedule' || entry.kind === 'cancelScheduled';
}

/** This user's changes to these scheduled messages still in the outbox. */
export async function waitingScheduledChanges(
  db: ChatDatabase,
  clientMsgIds: readonly string[],
): Promise<OutboxEntry[]> {
  if (clientMsgIds.length === 0) return [];
  const entries = await db.outbox.where('clientMsgId').anyOf(clientMsgIds).toArray();
  return entries.filter(isScheduledChange);
}

export async function applyScheduledViews(
  db: ChatDatabase,
  views: readonly ScheduledView[],
): Promise<void> {
  if (views.length === 0) return;
  const ids = [...new Set(views.map((v) => v.clientMsgId))];
  const conversationIds = [...new Set(views.map((v) => v.conversationId))];
  const [stored, waiting, conversations] = await Promise.all([
    db.scheduled.bulkGet(ids),
    waitingScheduledChanges(db, ids),
    db.conversations.where('serverId').anyOf(conversationIds).toArray(),
  ]);
  const keyOf = new Map(conversations.map((c) => [c.serverId ?? 0, c.key]));
  const isChanging = new Set(waiting.flatMap((e) => e.clientMsgId ?? []));
  const rows = new Map<string, LocalScheduled | null>();
  for (const [i, id] of ids.entries()) rows.set(id, stored[i] ?? null);
  const changed = new Set<string>();
  for (const view of views) {
    const local = rows.get(view.clientMsgId) ?? undefined;
    const merged = mergeScheduled({
      local,
      view,
      // A conversation not here yet comes under its server key, as a pull stores it.
      convKey: keyOf.get(view.conversationId) ?? `s${view.conversationId}`,
      hasWaitingChange: isChanging.has(view.clientMsgId),
    });
    if (merged === local || (merged === null && !local)) continue;
    rows.set(view.clientMsgId, merged);
    changed.add(view.clientMsgId);
  }
  const puts: LocalScheduled[] = [];
  const deletes: string[] = [];
  for (const id of changed) {
    const row = rows.get(id);
    if (row) puts.push(row);
    else deletes.push(id);
  }
  if (puts.length > 0) await db.scheduled.bulkPut(puts);
  if (deletes.length > 0) await db.scheduled.bulkDelete(deletes);
}

/** The server refused a change for good: the row shows what the server has, and why the
 * change did not happen. After `ALREADY_SENT` it stays, sent, until the user has seen it;
 * a cancel of a message the server never had is done. */
export async function refuseScheduledChange(
  db: ChatDatabase,
  entry: OutboxEntry,
  failure: Failure,
): Promise<void> {
  await db.outbox.delete(entry.seq ?? 0);
  const id = entry.clientMsgId;
  const row = id ? await db.scheduled.get(id) : undefined;
  if (!id || !row) return;
  const others = await waitingScheduledChanges(db, [id]);
  const { confirmed } = row;
  const asConfirmed = confirmed
    ? { content: confirmed.content, dueAt: confirmed.dueAt, state: confirmed.state }
    : { state: row.state === 'cancelled' ? ('scheduled' as const) : row.state };
  if (failure.code === 'ALREADY_SENT') {
    // Every later change would be refused the same way.
    await db.outbox.bulkDelete(others.map((e) => e.seq ?? 0));
    await db.scheduled.put({ ...row, ...asConfirmed, state: 'sent', failure });
    return;
  }
  // A newer change waits: it is what the user wants now, and its own answer decides.
  if (others.length > 0) return;
  if (entry.kind === 'cancelScheduled' && failure.code === 'NOT_FOUND') {
    await db.scheduled.delete(id);
    return;
  }
  await db.scheduled.put({ ...row, ...asConfirmed, failure });
}
