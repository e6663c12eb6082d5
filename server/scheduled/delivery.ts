// Sends scheduled messages at their time (docs/scheduling.md), from every instance at
// once without sending any twice. A round claims the due rows with FOR UPDATE SKIP LOCKED
// (another instance's round takes the next ones), sends them through the ordinary send
// path as their senders — idempotent by (sender, client_msg_id), so a round cut short by
// a crash and done again by another instance stores nothing twice — and marks them sent
// in the claiming transaction. A dead instance's claims end with its connection; rows
// it never marked are due again at once, late but once. Each send's events go out as
// soon as it is stored; a send that finds its message stored already (the round before
// died after storing it) tells the conversation to catch up, as a retried push does.
import { randomUUID } from 'node:crypto';
import { EMPTY_CHANGES, type OpResult } from '../../shared/sync/protocol.ts';
import type { SqlRunner } from '../db/sql.ts';
import type { Logger } from '../logger.ts';
import type { EventBus } from '../realtime/bus.ts';
import { publishChanges } from '../sync/apply.ts';
import type { SyncContext } from '../sync/context.ts';
import { EPOCH_STAMP } from '../sync/ops/message-change.ts';
import type { SendOp, SendRequest } from '../sync/ops/send.ts';
import type { SendQueue } from '../sync/send-queue.ts';
import { SCHEDULED_COLUMNS, type ScheduledRow, scheduledRow, toScheduledView } from './rows.ts';

export interface ScheduledDeliveryDeps extends SyncContext {
  sends: SendQueue;
  bus: EventBus;
  log: Logger;
}

export interface ScheduledDelivery {
  /** Rounds now until nothing is due: resolves with how many went out. */
  runOnce(): Promise<number>;
  /** Something may be due sooner than the next look: look now. */
  wake(): void;
  /** No round starts after this; resolves once the one running ended. */
  stop(): Promise<void>;
}

const ROUND_SIZE = 200;
/** Sorts after any device's op id: a change the server makes beats those made before. */
const SERVER_STAMP_SUFFIX = '|~server';

interface Settled {
  row: ScheduledRow;
  result: OpResult | undefined;
}

export function startScheduledDelivery(
  deps: ScheduledDeliveryDeps,
  { pollMs = 1000 }: { pollMs?: number } = {},
): ScheduledDelivery {
  let running: Promise<number> | null = null;
  let looking: Promise<void> | null = null;
  let isStopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const round = async (): Promise<number> => {
    let claimed: ScheduledRow[] = [];
    const sent = await deps.sql.transaction(async (tx) => {
      claimed = await tx.rows<ScheduledRow>(
        `SELECT ${SCHEDULED_COLUMNS} FROM scheduled_messages
          WHERE state = 'scheduled' AND due_at <= CURRENT_TIMESTAMP(3)
          ORDER BY due_at, sender_id, client_msg_id
          LIMIT ${ROUND_SIZE}
            FOR UPDATE SKIP LOCKED`,
      );
      if (claimed.length === 0) return 0;
      const settled = await sendAll(deps, claimed);
      // Only now the clock's shared lock: taken before the sends, a waiting seal would
      // hold them up behind this transaction, which waits for them.
      await markSettled(tx, settled);
      return settled.filter((s) => s.result?.status === 'accepted').length;
    });
    await publishChanges(deps.bus, await scheduledPublications(deps.sql, claimed));
    return sent;
  };

  const runOnce = (): Promise<number> => {
    running ??= (async () => {
      let total = 0;
      try {
        // A full round may leave more due behind it.
        while (!isStopped) {
          const n = await round();
          total += n;
          if (n < ROUND_SIZE) break;
        }
      } catch (error) {
        deps.log.warn({ err: error }, 'scheduled delivery round failed; it runs again');
      } finally {
        running = null;
      }
      return total;
    })();
    return running;
  };

  // Between rounds one cheap look at the earliest due time, at most `pollMs` apart: a
  // message scheduled through another instance is seen within that.
  const nextDueInMs = async (): Promise<number | null> => {
    const [row] = await deps.sql.rows<{ next: Date | null }>(
      `SELECT MIN(due_at) AS next FROM scheduled_messages WHERE state = 'scheduled'`,
    );
    return row?.next ? row.next.getTime() - Date.now() : null;
  };

  const look = async () => {
    try {
      const wait = await nextDueInMs();
      if (isStopped) return;
      if (wait !== null && wait <= 0) {
        // What is still due after a round that sent nothing waits for the next look.
        const sent = await runOnce();
        return schedule(sent > 0 ? 0 : pollMs);
      }
      schedule(wait === null ? pollMs : Math.min(pollMs, wait));
    } catch (error) {
      deps.log.warn({ err: error }, 'could not look for scheduled messages due');
      schedule(pollMs);
    }
  };

  function schedule(ms: number) {
    if (isStopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      looking = look().finally(() => {
        looking = null;
      });
    }, ms);
  }

  schedule(0);
  return {
    runOnce,
    wake: () => schedule(0),
    async stop() {
      isStopped = true;
      if (timer) clearTimeout(timer);
      await looking;
      await running;
    },
  };
}

/** Sends the claimed rows, one request per sender and conversation, each one's events
 * out as soon as it is stored; says what each row became (undefined: not sent, due
 * again). */
async function sendAll(
  deps: ScheduledDeliveryDeps,
  due: readonly ScheduledRow[],
): Promise<Settled[]> {
  const groups = new Map<string, { ops: SendOp[]; rows: ScheduledRow[] }>();
  for (const row of due) {
    const key = `${row.sender_id}:${row.conversation_id}`;
    const group = groups.get(key) ?? { ops: [], rows: [] };
    group.ops.push({
      opId: randomUUID(),
      kind: 'send',
      conversation: { conversationId: row.conversation_id },
      clientMsgId: row.client_msg_id,
      content: row.content,
      messageType: 'text',
    });
    group.rows.push(row);
    groups.set(key, group);
  }
  // All settle before the claim ends: a failed one must not unlock rows still sending.
  const settled = await Promise.allSettled(
    [...groups.values()].map(async ({ ops, rows }): Promise<Settled[]> => {
      const [first] = rows;
      if (!first) return [];
      const request: SendRequest = {
        caller: { userId: first.sender_id },
        conversationId: first.conversation_id,
        ops,
        scheduledFor: new Map(rows.map((r) => [r.client_msg_id, r.due_at])),
      };
      const outcome = await deps.sends.submit(request);
      const isRepeat = outcome.results.some((r) => r.status === 'accepted' && r.duplicate);
      await publishChanges(deps.bus, outcome.publications);
      if (isRepeat) {
        const to = await deps.participants.of(first.conversation_id);
        if (to) await deps.bus.publish(to, { kind: 'catchUp' });
      }
      return rows.map((row, i) => ({ row, result: outcome.results[i] }));
    }),
  );
  return settled.flatMap((s, i) => {
    if (s.status === 'fulfilled') return s.value;
    deps.log.warn({ err: s.reason }, 'a scheduled send failed; it is due again');
    return [...groups.values()][i]?.rows.map((row) => ({ row, result: undefined })) ?? [];
  });
}

/** Marks the rows sent (with their message) or cancelled (with why), in a statement
 * each; a row whose send said "retry", or failed, stays due. */
async function markSettled(tx: SqlRunner, settled: readonly Settled[]): Promise<void> {
  const sent = settled.flatMap(({ row, result }) =>
    result?.status === 'accepted' && result.message
      ? [[row.sender_id, row.client_msg_id, result.message.messageId] as const]
      : [],
  );
  const refused = settled.flatMap(({ row, result }) =>
    result?.status === 'rejected'
      ? [[row.sender_id, row.client_msg_id, result.reason.slice(0, 200)] as const]
      : [],
  );
  if (sent.length > 0) {
    await tx.write(
      `UPDATE scheduled_messages s
         JOIN (${sent.map(() => 'SELECT ? AS sender_id, ? AS client_msg_id, ? AS message_id').join(' UNION ALL ')}) v
           ON v.sender_id = s.sender_id AND v.client_msg_id = s.client_msg_id
          SET s.state = 'sent', s.message_id = v.message_id, s.sent_at = CURRENT_TIMESTAMP(3),
              s.updated_at = CURRENT_TIMESTAMP(3), s.change_epoch = ${EPOCH_STAMP}`,
      sent.flat(),
    );
  }
  if (refused.length > 0) {
    const stamp = `${new Date().toISOString()}${SERVER_STAMP_SUFFIX}`;
    await tx.write(
      `UPDATE scheduled_messages s
         JOIN (${refused.map(() => 'SELECT ? AS sender_id, ? AS client_msg_id, ? AS failure').join(' UNION ALL ')}) v
           ON v.sender_id = s.sender_id AND v.client_msg_id = s.client_msg_id
          SET s.state = 'cancelled', s.failure = v.failure, s.stamp = ?,
              s.updated_at = CURRENT_TIMESTAMP(3), s.change_epoch = ${EPOCH_STAMP}`,
      [...refused.flat(), stamp],
    );
  }
}

/** After the round committed: the claimed rows as their senders' devices now see them. */
async function scheduledPublications(sql: SqlRunner, rows: readonly ScheduledRow[]) {
  const now = await Promise.all(
    rows.map((row) => scheduledRow(sql, row.sender_id, row.client_msg_id)),
  );
  return now.flatMap((row) =>
    row && row.state !== 'scheduled'
      ? [{ to: [row.sender_id], changes: { ...EMPTY_CHANGES, scheduled: [toScheduledView(row)] } }]
      : [],
  );
}
